using System.Globalization;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// The checks of the scale-out options (<see cref="ToolCatalogOptions.Server"/>, <see cref="ToolCatalogOptions.ServerReplicas"/>,
/// <see cref="ToolCatalogOptions.ServerApiKey"/>, <see cref="ToolCatalogOptions.ReadConnectionString"/>): each failure names
/// the option, what was given (never a key or a connection string) and what is allowed.
/// </summary>
internal static class ScaleOutOptionsValidation
{
    private const string Prefix = nameof(ToolCatalogOptions) + ".";

    public static void Check(List<string> failures, ToolCatalogOptions options, Func<bool> hasHostDataSource)
    {
        if (options.Server is { } server)
        {
            CheckAddress(failures, nameof(options.Server), server);
            if (options.Mode == CatalogMode.Yaml)
            {
                failures.Add($"{Prefix}{nameof(options.Server)} is set, but the mode is Yaml, which reads no server; use Mode = Database or DatabaseWithYamlFallback to follow the server.");
            }

            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add($"{Prefix}{nameof(options.Server)} and {Prefix}{nameof(options.ConnectionString)} are both set; the catalog follows either the management server or PostgreSQL: set one.");
            }

            if (!string.IsNullOrWhiteSpace(options.ReadConnectionString))
            {
                failures.Add($"{Prefix}{nameof(options.ReadConnectionString)} is set together with {Prefix}{nameof(options.Server)}; a catalog that follows the server reads no database (set ReadConnectionString on the server's own catalog instead).");
            }

            if (string.IsNullOrWhiteSpace(options.ServerApiKey))
            {
                failures.Add($"{Prefix}{nameof(options.ServerApiKey)} is not set, but {Prefix}{nameof(options.Server)} is: the server answers only signed-in callers. Give an API key with the role viewer (toolcatalog key create NAME --role viewer).");
            }
            else if (options.ServerApiKey.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                failures.Add($"{Prefix}{nameof(options.ServerApiKey)} contains white space or control characters, which an HTTP header cannot carry; give the key exactly as it was issued.");
            }
        }
        else
        {
            if (options.ServerReplicas.Count > 0)
            {
                failures.Add($"{Prefix}{nameof(options.ServerReplicas)} lists {options.ServerReplicas.Count} address(es), but {Prefix}{nameof(options.Server)} is not set; set Server (the first address to try).");
            }

            if (!string.IsNullOrWhiteSpace(options.ServerApiKey))
            {
                failures.Add($"{Prefix}{nameof(options.ServerApiKey)} is set, but {Prefix}{nameof(options.Server)} is not; the key is only for following a management server.");
            }
        }

        for (var i = 0; i < options.ServerReplicas.Count; i++)
        {
            if (options.ServerReplicas[i] is null)
            {
                failures.Add($"{Prefix}{nameof(options.ServerReplicas)}[{i}] is null; give the replica's absolute http or https address.");
            }
            else
            {
                CheckAddress(failures, string.Create(CultureInfo.InvariantCulture, $"{nameof(options.ServerReplicas)}[{i}]"), options.ServerReplicas[i]);
            }
        }

        if (!string.IsNullOrWhiteSpace(options.ReadConnectionString))
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.ReadConnectionString);
            }
            catch (ArgumentException e)
            {
                failures.Add($"{Prefix}{nameof(options.ReadConnectionString)} is not a valid PostgreSQL connection string: {e.Message}");
            }

            if (options.Mode == CatalogMode.Yaml)
            {
                failures.Add($"{Prefix}{nameof(options.ReadConnectionString)} is set, but the mode is Yaml, which reads no database.");
            }
            else if (options.Server is null && string.IsNullOrWhiteSpace(options.ConnectionString) && !hasHostDataSource())
            {
                failures.Add($"{Prefix}{nameof(options.ReadConnectionString)} is set without a primary: notices and writes need {Prefix}{nameof(options.ConnectionString)} or the host's NpgsqlDataSource.");
            }
        }

        if (options.ReplicaLagTolerance < TimeSpan.Zero || options.ReplicaLagTolerance > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Prefix}{nameof(options.ReplicaLagTolerance)} is {options.ReplicaLagTolerance.ToString("c", CultureInfo.InvariantCulture)}; use 0 (do not wait) to 5 minutes.");
        }
    }

    private static void CheckAddress(List<string> failures, string option, Uri address)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{Prefix}{option} is '{address.OriginalString}', which is not an absolute http or https address; give the server's base address, e.g. https://catalog.internal/.");
        }
        else if (!string.IsNullOrEmpty(address.UserInfo) || !string.IsNullOrEmpty(address.Query) || !string.IsNullOrEmpty(address.Fragment))
        {
            failures.Add($"{Prefix}{option} has user information, a query or a fragment; give only the server's base address (the key goes in ServerApiKey).");
        }
    }
}
