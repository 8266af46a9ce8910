using System.Diagnostics;
using System.Text;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>What a finished child process returned.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Standard error, else standard output, trimmed: the part worth quoting in an error message.</summary>
    public string Diagnostics => (string.IsNullOrWhiteSpace(StandardError) ? StandardOutput : StandardError).Trim();
}

/// <summary>An account a child process runs as (this process being root): its name and home folder.</summary>
internal sealed record ProcessAccount(string Name, string Home);

/// <summary>Runs a child process to completion, capturing its output, without a shell.</summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory,
        CancellationToken cancellationToken,
        ProcessAccount? account = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        // Messages are parsed only for diagnostics, but keep them in English and the locale predictable.
        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment["LANG"] = "C";

        if (account is not null)
        {
            // The child takes the account's user, group and supplementary groups before running the program (.NET does
            // it between fork and exec); its environment names the account as a login would.
            startInfo.UserName = account.Name;
            startInfo.Environment["HOME"] = account.Home;
            startInfo.Environment["USER"] = account.Name;
            startInfo.Environment["LOGNAME"] = account.Name;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalPostgresException($"Could not run '{fileName}': {e.Message}", e);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }

        return new ProcessResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
