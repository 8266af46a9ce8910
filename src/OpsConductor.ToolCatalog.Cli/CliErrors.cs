using System.Net.Sockets;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli;

/// <summary>
/// Turns what can go wrong while a command uses the database into one message and an exit code, so that no failure
/// reaches the user as a stack trace: the store's own errors (their message names the tool and the rule), a refused
/// login, a database that does not exist, a permission the user lacks, a server that cannot be reached, a server that
/// went away in the middle, a command that timed out. Each says what happened, where, and what to do.
/// </summary>
internal static class CliErrors
{
    /// <summary>Where the connection string came from ("--connection", "$TOOLCATALOG_CONNECTION", …), when known.</summary>
    public static string Describe(Exception e, string? origin)
    {
        var check = origin is null ? "the connection string" : $"the connection string ({origin})";
        switch (e)
        {
            case ToolCatalogException:
                return e.Message;
            case PostgresException p when p.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName:
                return $"the catalog schema is missing in this database ({p.MessageText}). Run 'toolcatalog migrate' first.";
            case PostgresException p when p.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification:
                return $"the server refused the login ({p.SqlState}: {p.MessageText}). Check the user name and password in {check}.";
            case PostgresException p when p.SqlState == PostgresErrorCodes.InvalidCatalogName:
                return $"the database does not exist on the server ({p.MessageText}). Create it, or fix the database name in {check}.";
            case PostgresException p when p.SqlState == PostgresErrorCodes.InsufficientPrivilege:
                return $"the database user lacks a permission ({p.MessageText}). Nothing was written. Grant it, or use a user that owns the catalog schema.";
            case PostgresException p when p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                || p.SqlState.StartsWith("08", StringComparison.Ordinal):
                return WentAway($"{p.SqlState}: {p.MessageText}");
            case PostgresException p:
                return $"the database refused the operation ({p.SqlState}: {p.MessageText}). Nothing was written.";
            case NpgsqlException n when Find<TimeoutException>(n) is not null:
                return $"the database did not answer in time ({n.Message}). Nothing was written. Check that the server is not overloaded, or raise 'Command Timeout' / 'Timeout' in {check}.";
            case NpgsqlException n when Find<SocketException>(n) is { } s && s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.AddressNotAvailable:
                return $"the database could not be used: cannot reach the server ({s.Message}). Check {check} and that the server is running.";
            case NpgsqlException n when Find<IOException>(n) is not null || Find<SocketException>(n) is not null || Find<EndOfStreamException>(n) is not null:
                return WentAway(n.InnerException?.Message ?? n.Message);
            case NpgsqlException n:
                return $"the database could not be used: {n.Message}. Check {check} and that the server is running.";
            default:
                return $"unexpected failure ({e.GetType().Name}: {e.Message}). This is a defect of toolcatalog; please report it with the command you ran.";
        }

        static string WentAway(string detail) =>
            $"the database server went away during the operation ({detail}). A write that had not committed was rolled back: nothing was written. Try again once the server is back.";
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is T found)
            {
                return found;
            }
        }

        return null;
    }
}
