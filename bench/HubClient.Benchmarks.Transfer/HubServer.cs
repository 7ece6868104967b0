using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HubClient.Benchmarks.Transfer;

/// <summary>A static server on 127.0.0.1 answering like a hub for the bench site.</summary>
internal interface IHubServer : IDisposable
{
    string Name { get; }

    string Endpoint { get; }
}

internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static void WaitListening(int port, Func<bool> stillRunning)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (!stillRunning()) throw new InvalidOperationException("The server exited during start-up.");
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException($"Nothing listens on 127.0.0.1:{port}.");
    }
}

/// <summary>
/// nginx (from the Debian packages) serving the bench site: <c>sendfile</c> for bytes, <c>add_header</c> for the hub's
/// headers, a 302 to <c>/cdn/{sha256}</c> for the LFS file, static JSON for the revision and tree endpoints.
/// </summary>
internal sealed class NginxServer : IHubServer
{
    private readonly Process _process;

    private NginxServer(Process process, int port, int? cappedPort)
    {
        _process = process;
        Endpoint = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        if (cappedPort is { } capped) CappedEndpoint = "http://127.0.0.1:" + capped.ToString(CultureInfo.InvariantCulture);
    }

    public string Name => "nginx " + Version;

    public string Endpoint { get; }

    /// <summary>The same site with <c>limit_rate</c> on every connection to the file bytes (<c>/cdn/</c>, <c>/xorbs/</c>); null without a cap.</summary>
    public string? CappedEndpoint { get; }

    private static string Version { get; set; } = "";

    public static string? Find() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// Starts nginx on a free port; with <paramref name="xet"/>, the large file is also served as Xet storage (resolve
    /// headers, read token, reconstruction, xorbs), and a second port serves everything with <paramref name="rateCap"/>
    /// (nginx <c>limit_rate</c> syntax, e.g. <c>50m</c>) per connection to the file bytes.
    /// </summary>
    public static NginxServer Start(string nginx, BenchSite site, string workDirectory, XetSite? xet = null, string? rateCap = null)
    {
        int port = Ports.Free();
        int? cappedPort = rateCap is null ? null : Ports.Free();
        Directory.CreateDirectory(workDirectory);
        string conf = Path.Combine(workDirectory, "nginx.conf");
        string servers = Server(site, xet, port, null) + (cappedPort is { } capped ? Server(site, xet, capped, rateCap) : "");
        File.WriteAllText(conf, Config(site, workDirectory, servers));
        var start = new ProcessStartInfo(nginx)
        {
            ArgumentList = { "-p", workDirectory, "-c", conf, "-e", Path.Combine(workDirectory, "error.log") },
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        Ports.WaitListening(port, () => !process.HasExited);
        if (cappedPort is { } c) Ports.WaitListening(c, () => !process.HasExited);
        Version = ReadVersion(nginx);
        var server = new NginxServer(process, port, cappedPort);
        xet?.WriteAnswers(server.Endpoint, port);
        if (xet is not null && cappedPort is { } cp) xet.WriteAnswers(server.CappedEndpoint!, cp);
        return server;
    }

    private static string ReadVersion(string nginx)
    {
        using Process p = Process.Start(new ProcessStartInfo(nginx, "-v") { RedirectStandardError = true, UseShellExecute = false })!;
        string text = p.StandardError.ReadToEnd().Trim();
        p.WaitForExit();
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? text[(slash + 1)..] : text;
    }

    private static string Config(BenchSite site, string work, string servers)
    {
        var etags = new StringBuilder();
        foreach ((string path, string sha1, _) in site.SmallFiles) etags.Append("    /small/").Append(path).Append(" '\"").Append(sha1).Append("\"';\n");
        return $$"""
            daemon off;
            worker_processes 2;
            pid {{work}}/nginx.pid;
            events { worker_connections 1024; }
            http {
              access_log off;
              sendfile on;
              tcp_nopush on;
              keepalive_requests 100000;
              client_body_temp_path {{work}}/body;
              proxy_temp_path {{work}}/proxy;
              fastcgi_temp_path {{work}}/fastcgi;
              uwsgi_temp_path {{work}}/uwsgi;
              scgi_temp_path {{work}}/scgi;
              default_type application/octet-stream;
              map $uri $small_etag {
                default "";
            {{etags}}  }
            {{servers}}}
            """;
    }

    /// <summary>One <c>server</c> block on <paramref name="port"/>; <paramref name="rateCap"/> limits each connection to the file bytes.</summary>
    private static string Server(BenchSite site, XetSite? xet, int port, string? rateCap)
    {
        string root = site.Root;
        string limit = rateCap is null ? "" : $"limit_rate {rateCap};";
        string self = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        string xetHeaders = xet is null ? "" : $$"""
                  add_header X-Xet-Hash {{xet.FileHash}};
                  add_header Link '<{{self}}/api/models/{{BenchSite.BigRepo}}/xet-read-token/{{site.BigCommit}}>; rel="xet-auth", <{{self}}/cas/v1/reconstructions/{{xet.FileHash}}>; rel="xet-reconstruction-info"';
            """;
        string xetLocations = xet is null ? "" : $$"""
                location ~ ^/api/models/{{BenchSite.BigRepo}}/xet-read-token/ {
                  default_type application/json;
                  root {{xet.Root}};
                  try_files /{{XetSite.AnswersFolder(port)}}/token.json =404;
                }
                location = /cas/v2/reconstructions/{{xet.FileHash}} {
                  default_type application/json;
                  root {{xet.Root}};
                  try_files /{{XetSite.AnswersFolder(port)}}/reconstruction.json =404;
                }
                location /xorbs/ {
                  root {{xet.Root}};
                  {{limit}}
                }
            """;
        return $$"""
              server {
                listen 127.0.0.1:{{port}};
                location = /api/models/{{BenchSite.SmallRepo}}/revision/main {
                  default_type application/json;
                  alias {{site.RevisionJsonPath}};
                }
                location = /api/models/{{BenchSite.SmallRepo}}/tree/{{site.SmallCommit}} {
                  default_type application/json;
                  alias {{site.TreeJsonPath}};
                }
                location ~ ^/{{BenchSite.BigRepo}}/resolve/[^/]+/{{BenchSite.BigFile}}$ {
                  add_header X-Repo-Commit {{site.BigCommit}};
                  add_header X-Linked-Etag '"{{site.BigSha256}}"';
                  add_header X-Linked-Size {{site.BigSize}};
                  add_header ETag 'W/"{{site.BigGitSha1}}"';
            {{xetHeaders}}
                  return 302 {{self}}/cdn/{{site.BigSha256}};
                }
                location /cdn/ {
                  root {{root}};
                  {{limit}}
                }
                location /{{BenchSite.SmallRepo}}/resolve/ {
                  etag off;
                  add_header X-Repo-Commit {{site.SmallCommit}};
                  add_header ETag $small_etag;
                  rewrite ^/{{BenchSite.SmallRepo}}/resolve/[^/]+/(.*)$ /small/$1 break;
                  root {{root}};
                }
            {{xetLocations}}
              }

            """;
    }

    public void Dispose() => ProcessRunner.Stop(_process);
}
