using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace HubClient.Benchmarks.Transfer;

/// <summary>
/// The fallback when nginx cannot be had: a Kestrel static file server with the same hub routes, run in its own process
/// (<c>serve</c> mode of this program) so that it does not share the client's thread pool.
/// </summary>
internal sealed class KestrelHubServer : IHubServer
{
    private readonly Process _process;

    private KestrelHubServer(Process process, int port)
    {
        _process = process;
        Endpoint = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    public string Name => "Kestrel (fallback: nginx not installed)";

    public string Endpoint { get; }

    public static KestrelHubServer Start(BenchSite site)
    {
        int port = Ports.Free();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(KestrelHubServer).Assembly.Location);
        foreach (string arg in new[] { "serve", site.Root, port.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("The Kestrel server did not start.");
        Ports.WaitListening(port, () => !process.HasExited);
        return new KestrelHubServer(process, port);
    }

    /// <summary>The server itself (in the child process).</summary>
    public static void Serve(string root, int port)
    {
        BenchSite site = BenchSite.Load(root);
        Dictionary<string, string> etags = site.SmallFiles.ToDictionary(f => f.Path, f => f.Sha1, StringComparer.Ordinal);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        WebApplication app = builder.Build();
        string[] getHead = ["GET", "HEAD"];

        app.MapGet("/api/models/" + BenchSite.SmallRepo + "/revision/main", () => Results.File(site.RevisionJsonPath, "application/json"));
        app.MapGet("/api/models/" + BenchSite.SmallRepo + "/tree/" + site.SmallCommit, () => Results.File(site.TreeJsonPath, "application/json"));
        app.MapMethods("/" + BenchSite.BigRepo + "/resolve/{rev}/" + BenchSite.BigFile, getHead, (HttpContext context) =>
        {
            IHeaderDictionary headers = context.Response.Headers;
            headers["X-Repo-Commit"] = site.BigCommit;
            headers["X-Linked-Etag"] = "\"" + site.BigSha256 + "\"";
            headers["X-Linked-Size"] = site.BigSize.ToString(CultureInfo.InvariantCulture);
            headers.ETag = "W/\"" + site.BigGitSha1 + "\"";
            return Results.Redirect("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "/cdn/" + site.BigSha256);
        });
        app.MapMethods("/cdn/{sha}", getHead, (string sha) =>
            sha == site.BigSha256
                ? Results.File(Path.Combine(site.Root, "cdn", sha), "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"" + sha + "\""))
                : Results.NotFound());
        app.MapMethods("/" + BenchSite.SmallRepo + "/resolve/{rev}/{**path}", getHead, (HttpContext context, string path) =>
        {
            if (!etags.TryGetValue(path, out string? sha1)) return Results.NotFound();
            context.Response.Headers["X-Repo-Commit"] = site.SmallCommit;
            return Results.File(site.SmallPath(path), "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"" + sha1 + "\""));
        });
        app.Run();
    }

    public void Dispose() => ProcessRunner.Stop(_process);
}
