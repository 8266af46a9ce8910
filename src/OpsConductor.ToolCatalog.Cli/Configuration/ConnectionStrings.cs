using System.Globalization;
using Npgsql;

namespace OpsConductor.ToolCatalog.Cli.Configuration;

/// <summary>
/// Checks a connection string the user gave (<c>--connection</c>, <c>TOOLCATALOG_CONNECTION</c>, the configuration file)
/// before anything connects, so that a value Npgsql accepts but cannot use (<c>Port=999999</c>) or cannot read
/// (<c>Port=abc</c>) is a usage error naming the key, never an exception from inside the driver.
/// </summary>
internal static class ConnectionStrings
{
    /// <summary>What is wrong with <paramref name="connectionString"/>, naming the key; null when it can be used.</summary>
    public static string? Check(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql names the key in lower case ("Couldn't set timeout"); name it as the user wrote it, never its value.
            var detail = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            return e is ArgumentException { ParamName: { } key }
                ? $"the value of {KeyAsWritten(connectionString, key)} cannot be used: {detail}"
                : detail;
        }

        if (builder.Port is < 1 or > 65535)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Port={builder.Port} is not a TCP port; give a number from 1 to 65535 (PostgreSQL's default is 5432)");
        }

        foreach (var (key, value) in new (string, int)[]
                 {
                     ("Timeout", builder.Timeout), ("Command Timeout", builder.CommandTimeout), ("Keepalive", builder.KeepAlive),
                     ("Minimum Pool Size", builder.MinPoolSize), ("Connection Idle Lifetime", builder.ConnectionIdleLifetime),
                     ("Connection Lifetime", builder.ConnectionLifetime), ("Cancellation Timeout", builder.CancellationTimeout + 1),
                 })
        {
            if (value < 0)
            {
                return $"{key} is negative; give a number of seconds, 0 or more";
            }
        }

        if (builder.MaxPoolSize < 1 || builder.MinPoolSize > builder.MaxPoolSize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Maximum Pool Size={builder.MaxPoolSize} must be at least 1 and at least Minimum Pool Size ({builder.MinPoolSize})");
        }

        return null;
    }

    private static string KeyAsWritten(string connectionString, string key)
    {
        foreach (var part in connectionString.Split(';'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var written = (equals < 0 ? part : part[..equals]).Trim();
            if (string.Equals(written.Replace(" ", "", StringComparison.Ordinal), key.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
            {
                return written;
            }
        }

        return key;
    }

    /// <summary>Throws a usage <see cref="CliException"/> naming <paramref name="origin"/> when <paramref name="connectionString"/> is unusable.</summary>
    public static void Require(string connectionString, string origin)
    {
        if (Check(connectionString) is { } problem)
        {
            throw new CliException($"the connection string from {origin} is not valid: {problem}.");
        }
    }
}
