using System.Data;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How the store recognises and words a connection that died under it.</summary>
internal static class ConnectionLoss
{
    /// <summary>
    /// Whether <paramref name="e"/> came from losing the connection: the server ended the session (57P01, 57P02, class
    /// 08), the socket failed or ended, or the connection is broken or closed underneath (Npgsql then reports follow-on
    /// errors such as "The reader is closed" or "The COPY operation has already ended").
    /// </summary>
    public static bool IsConnectionLost(Exception e, NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open || connection.FullState.HasFlag(ConnectionState.Broken))
        {
            return true;
        }

        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p:
                    return p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                        || p.SqlState.StartsWith("08", StringComparison.Ordinal);
                case SocketException or EndOfStreamException or IOException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>A failure in one line: the server's code and message, or the exception's message (and its cause's).</summary>
    public static string DescribeFailure(Exception e) => e switch
    {
        PostgresException p => string.Create(CultureInfo.InvariantCulture, $"{p.SqlState}: {p.MessageText}"),
        _ when e.InnerException is { } inner && inner.Message != e.Message => $"{e.Message}: {inner.Message}",
        _ => e.Message,
    };
}
