using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// Answers "is a Docker engine reachable?" quickly: it looks only at DOCKER_HOST (unix or tcp) or the default
/// socket, and gives the engine at most half a second to answer <c>GET /_ping</c>. With no socket file at all
/// (the usual case on these machines) it answers in microseconds.
/// </summary>
internal static class DockerProbe
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(500);

    public static async Task<bool> IsEngineAvailableAsync(Func<string, string?> getEnvironmentVariable, CancellationToken cancellationToken)
    {
        var host = getEnvironmentVariable("DOCKER_HOST");
        EndPoint endPoint;
        if (string.IsNullOrWhiteSpace(host))
        {
            const string defaultSocket = "/var/run/docker.sock";
            if (!File.Exists(defaultSocket))
            {
                return false;
            }

            endPoint = new UnixDomainSocketEndPoint(defaultSocket);
        }
        else if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = host["unix://".Length..];
            if (!File.Exists(path))
            {
                return false;
            }

            endPoint = new UnixDomainSocketEndPoint(path);
        }
        else if (host.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            endPoint = new DnsEndPoint(uri.Host, uri.Port > 0 ? uri.Port : 2375);
        }
        else
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            using var socket = endPoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), timeout.Token);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
