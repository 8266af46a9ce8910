using System.Net.Sockets;
using Npgsql;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Sorts the failures of the listener and its catch-up reads: whether a pooled connection is dead (so the pool must be
/// cleared before the next read), and whether the server (or its host) answered, so that the next attempt can come soon.
/// </summary>
internal static class ConnectionFailure
{
    /// <summary>
    /// Whether <paramref name="e"/> says the connection it was read on is dead: the server ended the session
    /// (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), a connection exception (class 08), or
    /// the socket failed or reached its end. Connections pooled beside it most likely died the same way.
    /// </summary>
    public static bool IsFatal(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p:
                    return p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                        || p.SqlState.StartsWith("08", StringComparison.Ordinal);
                case SocketException or EndOfStreamException or IOException:
                    return true;
                case TimeoutException:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the attempt failed because the server is going down, coming up or not listening while its host answers:
    /// the connection was refused or reset, the server refused the session while starting or stopping, or a
    /// connection died under it. Such an attempt costs nothing and the server may be back any moment, so the next one
    /// comes soon. A timeout (the host does not answer), a refused login or an unexpected failure is not one of these.
    /// </summary>
    public static bool ServerAnswered(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p:
                    return p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                        || p.SqlState.StartsWith("08", StringComparison.Ordinal);
                case SocketException s:
                    return s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown;
                case EndOfStreamException:
                    return true;
                case TimeoutException:
                    return false;
            }
        }

        return false;
    }
}
