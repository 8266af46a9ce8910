using System.Diagnostics;
using System.Globalization;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <content>Stopping quietly, the instance lock, owner records, and removing abandoned throwaway instances.</content>
public sealed partial class LocalPostgresServer
{
    private static async Task StopAsync(string instance, PostgresBinaries binaries, ServerAccount account, string mode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (ReadRunningPostmaster(instance) is null)
        {
            return;
        }

        var seconds = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var result = await account.RunAsync(binaries.PgCtl, ["stop", "-D", DataDirectoryOf(instance), "-m", mode, "-w", "-t", seconds, "-s"], instance, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && ReadRunningPostmaster(instance) is not null)
        {
            throw new LocalPostgresException($"pg_ctl stop failed for '{DataDirectoryOf(instance)}' (exit code {result.ExitCode}): {result.Diagnostics}");
        }
    }

    private static async Task StopQuietlyAsync(string instance, PostgresBinaries binaries, ServerAccount account)
    {
        try
        {
            await StopAsync(instance, binaries, account, "immediate", TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LocalPostgresException)
        {
            // Best effort: the folder is deleted next, which also makes a surviving postmaster shut itself down.
        }
    }

    private static async Task RemoveAbandonedEphemeralInstancesAsync(string parent, PostgresBinaries binaries, ServerAccount account, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        IEnumerable<string> folders;
        try
        {
            folders = Directory.GetDirectories(parent, EphemeralPrefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var folder in folders)
        {
            var ownerFile = Path.Combine(folder, OwnerFileName);
            bool abandoned;
            try
            {
                abandoned = File.Exists(ownerFile)
                    ? IsAbandoned(await File.ReadAllTextAsync(ownerFile, cancellationToken).ConfigureAwait(false))
                    : timeProvider.GetUtcNow() - Directory.GetCreationTimeUtc(folder) > TimeSpan.FromHours(1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (abandoned)
            {
                await StopQuietlyAsync(folder, binaries, account).ConfigureAwait(false);
                TryDeleteDirectory(folder);
            }
        }
    }

    /// <summary>"pid namespace" of the owning process: a folder is abandoned only if its owner ran in our PID namespace
    /// (so we can tell whether it is alive) and is gone. Folders of other containers sharing /tmp are left alone.</summary>
    internal static string OwnerRecord(int processId) => $"{processId.ToString(CultureInfo.InvariantCulture)} {PidNamespace()}";

    internal static bool IsAbandoned(string ownerRecord)
    {
        var parts = ownerRecord.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var owner))
        {
            return false;
        }

        var sameNamespace = string.Equals(parts.Length > 1 ? parts[1] : "", PidNamespace(), StringComparison.Ordinal);
        return sameNamespace && !IsProcessAlive(owner, null);
    }

    private static string PidNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(instance, LockFileName);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < timeout)
            {
                // Another process is starting or stopping this instance (an external process): try again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new LocalPostgresException($"Another process has held the instance lock '{path}' for over {timeout.TotalSeconds:0} s.", e);
            }
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; an abandoned folder is removed by the next ephemeral start.
        }
    }
}
