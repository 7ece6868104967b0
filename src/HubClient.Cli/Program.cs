using HubClient.Cli;

return await HubCommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
