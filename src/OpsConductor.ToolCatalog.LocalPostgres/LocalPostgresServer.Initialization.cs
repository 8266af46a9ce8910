using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <content>Finding the binaries and initialising an instance: <c>initdb</c>, the generated secret, the settings file.</content>
public sealed partial class LocalPostgresServer
{
    private static void EnsureSupportedPlatform()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new LocalPostgresException(
                "Starting a private PostgreSQL server is supported on Linux and macOS only. On Windows, point at a server "
                + "with TOOLCATALOG_CONNECTION (or --connection), or TOOLCATALOG_TEST_CONNECTION for the tests.");
        }
    }

    private static Task<PostgresBinaries> FindBinariesAsync(LocalPostgresOptions options, CancellationToken cancellationToken) =>
        options.BinDirectory is not null
            ? PostgresBinaries.FromDirectoryAsync(options.BinDirectory, cancellationToken)
            : PostgresBinaries.FindAsync(options.SearchDirectories, cancellationToken);

    private static async Task<PostgresBinaries> ChooseBinariesForInstanceAsync(string instance, InstanceState? state, bool initialized, LocalPostgresOptions options, CancellationToken cancellationToken)
    {
        PostgresBinaries? binaries = null;
        if (options.BinDirectory is null && state is not null && Directory.Exists(state.BinDirectory))
        {
            try
            {
                binaries = await PostgresBinaries.FromDirectoryAsync(state.BinDirectory, cancellationToken).ConfigureAwait(false);
            }
            catch (LocalPostgresException)
            {
                binaries = null; // Uninstalled since; search again below.
            }
        }

        binaries ??= await FindBinariesAsync(options, cancellationToken).ConfigureAwait(false);
        var versionFile = Path.Combine(DataDirectoryOf(instance), "PG_VERSION");
        if (initialized && File.Exists(versionFile))
        {
            var dataMajor = File.ReadAllText(versionFile).Trim();
            if (!string.Equals(dataMajor, binaries.Version.Major.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                throw new LocalPostgresException(
                    $"The data folder '{DataDirectoryOf(instance)}' was made by PostgreSQL {dataMajor}, but the server programs found are "
                    + $"version {binaries.Version.Major} ({binaries.Directory}). Point the options' BinDirectory at PostgreSQL {dataMajor}'s "
                    + "programs, or delete the instance folder to start afresh (its data is lost).");
            }
        }

        return binaries;
    }

    private static async Task<InstanceState> InitializeAsync(string instance, PostgresBinaries binaries, ServerAccount account, LocalPostgresOptions options, bool durable, CancellationToken cancellationToken)
    {
        var data = DataDirectoryOf(instance);
        var run = RunDirectoryOf(instance);
        var privateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(data, privateMode);
        Directory.CreateDirectory(run, privateMode);
        if (Directory.EnumerateFileSystemEntries(data).Any())
        {
            throw new LocalPostgresException($"The data folder '{data}' is not empty but holds no PostgreSQL data (no PG_VERSION). Empty it or choose another instance folder.");
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var passwordFile = Path.Combine(run, "initdb.pw");
        await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await account.TakeOwnershipAsync(data, cancellationToken).ConfigureAwait(false);
            await account.TakeOwnershipAsync(run, cancellationToken).ConfigureAwait(false);
            if (!await account.CanWriteAsync(data, cancellationToken).ConfigureAwait(false))
            {
                throw new LocalPostgresException(UnreachableMessage(instance, account));
            }

            List<string> arguments =
            [
                "-D", data, "-U", options.SuperuserName, $"--pwfile={passwordFile}", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C",
            ];
            if (!durable)
            {
                arguments.Add("--no-sync");
            }

            var result = await account.RunAsync(binaries.InitDb, arguments, instance, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new LocalPostgresException($"initdb failed for '{data}' (exit code {result.ExitCode}): {result.Diagnostics}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Our settings live in their own file, rewritten at every start (the port may change).
        await File.AppendAllTextAsync(
            Path.Combine(data, "postgresql.conf"),
            $"{Environment.NewLine}# Added by OpsConductor.ToolCatalog.LocalPostgres{Environment.NewLine}include_if_exists = '{SettingsFileName}'{Environment.NewLine}",
            cancellationToken).ConfigureAwait(false);

        var socketDirectory = run;
        if (Path.Combine(run, ".s.PGSQL.65535").Length > MaxUnixSocketPath)
        {
            // Unix socket paths are limited to about 107 bytes: fall back to a short private folder.
            socketDirectory = Path.Combine(Path.GetTempPath(), "toolcatalog-sock-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instance)))[..12]);
            Directory.CreateDirectory(socketDirectory, privateMode);
            await account.TakeOwnershipAsync(socketDirectory, cancellationToken).ConfigureAwait(false);
        }

        var state = new InstanceState
        {
            Port = 0,
            Username = options.SuperuserName,
            Password = password,
            BinDirectory = binaries.Directory,
            ServerVersion = binaries.VersionText,
            ServiceAccount = account.Name,
            SocketDirectory = socketDirectory,
        };
        await WriteSettingsAsync(instance, state, account, durable, options, cancellationToken).ConfigureAwait(false);
        state.Write(instance);
        return state;
    }

    private static async Task WriteSettingsAsync(string instance, InstanceState state, ServerAccount account, bool durable, LocalPostgresOptions options, CancellationToken cancellationToken)
    {
        var settings = new List<KeyValuePair<string, string>>
        {
            new("listen_addresses", Quote("127.0.0.1")),
            new("port", state.Port.ToString(CultureInfo.InvariantCulture)),
            new("unix_socket_directories", Quote(state.SocketDirectory)),
            new("unix_socket_permissions", "0700"),
            new("max_connections", "300"),
            new("logging_collector", "off"),
        };
        if (!durable)
        {
            // A throwaway test server: losing it on a crash is fine, speed is not.
            settings.Add(new("fsync", "off"));
            settings.Add(new("synchronous_commit", "off"));
            settings.Add(new("full_page_writes", "off"));
        }

        if (options.Tls is not null)
        {
            var (certificate, key) = await CopyTlsFilesAsync(instance, options.Tls, account, cancellationToken).ConfigureAwait(false);
            settings.Add(new("ssl", "on"));
            settings.Add(new("ssl_cert_file", Quote(certificate)));
            settings.Add(new("ssl_key_file", Quote(key)));
        }

        foreach (var (name, value) in options.ServerSettings)
        {
            settings.Add(new(name, value));
        }

        var text = new StringBuilder("# Written by OpsConductor.ToolCatalog.LocalPostgres at every start; edits are overwritten.\n");
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = ").Append(value).Append('\n');
        }

        var path = Path.Combine(DataDirectoryOf(instance), SettingsFileName);
        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
        await account.TakeOwnershipAsync(path, cancellationToken).ConfigureAwait(false);

        static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Copies the TLS certificate and key into the data folder, owned by the server's account, the key readable
    /// by that account only (PostgreSQL refuses a key file others can read). Returns the copies' paths.</summary>
    private static async Task<(string Certificate, string Key)> CopyTlsFilesAsync(string instance, LocalPostgresTls tls, ServerAccount account, CancellationToken cancellationToken)
    {
        var data = DataDirectoryOf(instance);
        var certificate = Path.Combine(data, "server.crt");
        var key = Path.Combine(data, "server.key");
        await CopyAsync(tls.CertificateFile, certificate, "certificate", nameof(LocalPostgresTls.CertificateFile), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead).ConfigureAwait(false);
        await CopyAsync(tls.KeyFile, key, "private key", nameof(LocalPostgresTls.KeyFile), UnixFileMode.UserRead | UnixFileMode.UserWrite).ConfigureAwait(false);
        await account.TakeOwnershipAsync(certificate, cancellationToken).ConfigureAwait(false);
        await account.TakeOwnershipAsync(key, cancellationToken).ConfigureAwait(false);
        return (certificate, key);

        async Task CopyAsync(string source, string target, string what, string option, UnixFileMode mode)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LocalPostgresException($"The TLS {what} file '{source}' (options Tls.{option}) could not be read: {e.Message}", e);
            }

            if (!text.Contains("-----BEGIN ", StringComparison.Ordinal))
            {
                throw new LocalPostgresException($"The TLS {what} file '{source}' (options Tls.{option}) is not PEM: it must hold a '-----BEGIN ...-----' block.");
            }

            // Written fresh with its final mode, so the key is never readable by others, not even for a moment.
            File.Delete(target);
            using var stream = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }
    }
}
