using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <content>Asking whether a server runs and answers: the postmaster file, processes, ports, the log, the readiness probe.</content>
public sealed partial class LocalPostgresServer
{
    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 5 };
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var connection = new NpgsqlConnection(builder.ConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && Stopwatch.GetElapsedTime(started) < _options.StartTimeout)
            {
                if (e is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword })
                {
                    throw new LocalPostgresException(
                        $"The server on port {Port} rejected the secret stored in '{Path.Combine(InstanceDirectory, InstanceState.FileName)}'. "
                        + "Stop it (pg_ctl stop -D '" + DataDirectory + "') or delete the instance folder to start afresh.", e);
                }

                // The server is still starting up (it is an external process): poll again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string TailOfLog()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join(Environment.NewLine, lines.TakeLast(10));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The live postmaster of the instance (from <c>postmaster.pid</c>), or null.</summary>
    private static (int ProcessId, int Port)? ReadRunningPostmaster(string instance)
    {
        var pidFile = Path.Combine(DataDirectoryOf(instance), "postmaster.pid");
        string[] lines;
        try
        {
            if (!File.Exists(pidFile))
            {
                return null;
            }

            lines = File.ReadAllLines(pidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (lines.Length < 4
            || !int.TryParse(lines[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        return IsProcessAlive(pid, "postgres") ? (pid, port) : null;
    }

    private static bool IsProcessAlive(int pid, string? expectedName)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && (expectedName is null || process.ProcessName.StartsWith(expectedName, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string UnreachableMessage(string instance, ServerAccount account)
    {
        var blocker = new DirectoryInfo(instance).Parent;
        while (blocker is not null && (blocker.UnixFileMode & UnixFileMode.OtherExecute) != 0)
        {
            blocker = blocker.Parent;
        }

        return $"This process runs as root, so the PostgreSQL server runs as the unprivileged account '{account.Name}', but that account "
            + $"cannot reach '{instance}'"
            + (blocker is null ? "" : $": the folder '{blocker.FullName}' (mode {Convert.ToString((int)blocker.UnixFileMode, 8)}) does not let other users through")
            + ". Choose an instance folder outside it, such as /var/lib/opsconductor-toolcatalog/pg (the default for root) or one under /tmp, "
            + "or run as a non-root user.";
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
