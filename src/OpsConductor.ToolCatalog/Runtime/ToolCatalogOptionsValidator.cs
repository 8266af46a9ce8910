using System.Globalization;
using Microsoft.Extensions.Options;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// Checks <see cref="ToolCatalogOptions"/>: every failure names the option, says what was given and what is allowed.
/// Used by the <see cref="ToolCatalogRuntime"/> constructor and, under dependency injection, at host start (<c>ValidateOnStart</c>).
/// </summary>
internal sealed class ToolCatalogOptionsValidator : IValidateOptions<ToolCatalogOptions>
{
    private readonly Func<bool> _hasHostDataSource;

    /// <param name="hasHostDataSource">Whether a data source is available besides <see cref="ToolCatalogOptions.ConnectionString"/>.</param>
    public ToolCatalogOptionsValidator(Func<bool> hasHostDataSource) => _hasHostDataSource = hasHostDataSource;

    public ValidateOptionsResult Validate(string? name, ToolCatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = nameof(ToolCatalogOptions) + ".";

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"{Prefix}{nameof(options.Mode)} is {(int)options.Mode}, which is not a mode; use Database, Yaml or DatabaseWithYamlFallback.");
        }

        var needsDatabase = options.Mode is CatalogMode.Database or CatalogMode.DatabaseWithYamlFallback && options.Server is null;
        ScaleOutOptionsValidation.Check(failures, options, _hasHostDataSource);
        if (needsDatabase && string.IsNullOrWhiteSpace(options.ConnectionString) && !_hasHostDataSource())
        {
            failures.Add($"{Prefix}{nameof(options.ConnectionString)} is not set and no NpgsqlDataSource is registered, but the mode {options.Mode} reads the database. "
                + "Set ConnectionString, register the host's data source (services.AddSingleton(NpgsqlDataSource.Create(…)), or "
                + "services.AddNpgsqlDataSource(…) from the Npgsql.DependencyInjection package), or use Mode = Yaml with a YamlPath.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                failures.Add($"{Prefix}{nameof(options.ConnectionString)} is not a valid PostgreSQL connection string: {e.Message}");
            }
        }

        if (options.Mode == CatalogMode.Yaml && string.IsNullOrWhiteSpace(options.YamlPath))
        {
            failures.Add($"{Prefix}{nameof(options.YamlPath)} is not set, but the mode is Yaml. Set it to a folder of per-tool YAML files or to one profiles file.");
        }

        if (!string.IsNullOrWhiteSpace(options.YamlPath) && !Directory.Exists(options.YamlPath) && !File.Exists(options.YamlPath))
        {
            failures.Add($"{Prefix}{nameof(options.YamlPath)} is '{options.YamlPath}' (resolved to '{Path.GetFullPath(options.YamlPath)}'), which is neither a folder nor a file. "
                + "Give a folder of per-tool YAML files or one profiles file.");
        }

        if (options.Tenant is not null)
        {
            if (!Tenancy.TenantId.IsValid(options.Tenant))
            {
                failures.Add($"{Prefix}{nameof(options.Tenant)} is '{options.Tenant}', which is not a tenant id: {Tenancy.TenantId.Rule}.");
            }

            if (options.Mode == CatalogMode.Yaml)
            {
                failures.Add($"{Prefix}{nameof(options.Tenant)} is '{options.Tenant}', but the mode is Yaml: tenants live in the database. Use Mode = Database (or DatabaseWithYamlFallback), or leave Tenant unset.");
            }

            if (options.Server is not null || options.ServerReplicas.Count > 0)
            {
                failures.Add($"{Prefix}{nameof(options.Tenant)} is '{options.Tenant}', but {nameof(options.Server)} is set: over HTTP the server's API key decides the tenant (a key made with 'toolcatalog keys create --tenant {options.Tenant}' follows that tenant's catalog). Leave {nameof(options.Tenant)} unset and set {nameof(options.ServerApiKey)} to a key bound to the tenant, or follow the tenant's catalog through {nameof(options.ConnectionString)}.");
            }
        }

        CheckAtLeast(failures, nameof(options.SafetyPollInterval), options.SafetyPollInterval, TimeSpan.FromSeconds(1));
        CheckAtLeast(failures, nameof(options.ReconnectDelay), options.ReconnectDelay, TimeSpan.FromMilliseconds(1));
        CheckAtLeast(failures, nameof(options.MaxReconnectDelay), options.MaxReconnectDelay, TimeSpan.FromMilliseconds(1));
        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            failures.Add($"{Prefix}{nameof(options.MaxReconnectDelay)} ({Format(options.MaxReconnectDelay)}) is shorter than {nameof(options.ReconnectDelay)} ({Format(options.ReconnectDelay)}); it must be at least as long.");
        }

        if (options.ListenerKeepAlive < TimeSpan.Zero || options.ListenerKeepAlive.Ticks % TimeSpan.TicksPerSecond != 0 || options.ListenerKeepAlive > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}{nameof(options.ListenerKeepAlive)} is {Format(options.ListenerKeepAlive)}; use whole seconds from 0 (off) to 1 hour.");
        }

        if (string.IsNullOrWhiteSpace(options.ListenerApplicationName))
        {
            failures.Add($"{Prefix}{nameof(options.ListenerApplicationName)} is empty; give the name pg_stat_activity should show for the listening connection.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every failure.</summary>
    public static void ThrowIfInvalid(ToolCatalogOptions options, bool hasDataSource)
    {
        var result = new ToolCatalogOptionsValidator(() => hasDataSource).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ToolCatalogOptions), result.Failures);
        }
    }

    private static void CheckAtLeast(List<string> failures, string option, TimeSpan value, TimeSpan minimum)
    {
        if (value < minimum)
        {
            failures.Add($"{nameof(ToolCatalogOptions)}.{option} is {Format(value)}; it must be at least {Format(minimum)}.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
