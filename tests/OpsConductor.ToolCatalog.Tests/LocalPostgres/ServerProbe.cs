using System.Diagnostics;
using Npgsql;

namespace OpsConductor.ToolCatalog.Tests.LocalPostgres;

/// <summary>What the launcher and test-server tests ask of a server or the system they run on.</summary>
internal static class ServerProbe
{
    /// <summary>One statement's first value as text, over a connection of its own (no pooling).</summary>
    public static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>Runs a program to its end and gives its standard output, trimmed; fails the test when it fails.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"{program} failed");
        return output.Trim();
    }
}
