using System.Collections.Frozen;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Maps capability aliases to canonical names (the original's <c>CapabilityRegistry</c>). Unlike the original, a
/// requested name matches patterns under both the name itself and its canonical form, so tools whose capability
/// is literally named like an alias (<c>service_management</c>) stay selectable.
/// </summary>
public sealed class CapabilityAliases
{
    private readonly FrozenDictionary<string, string> _canonicalByAlias;

    /// <summary>Creates a table from canonical names and their aliases.</summary>
    public CapabilityAliases(IReadOnlyDictionary<string, IReadOnlyList<string>> aliasesByCanonical)
    {
        ArgumentNullException.ThrowIfNull(aliasesByCanonical);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (canonical, aliases) in aliasesByCanonical)
        {
            foreach (var alias in aliases)
            {
                if (!map.TryAdd(alias, canonical) && map[alias] != canonical)
                {
                    throw new ArgumentException($"Alias '{alias}' is given for both '{map[alias]}' and '{canonical}'.", nameof(aliasesByCanonical));
                }
            }
        }

        AliasesByCanonical = aliasesByCanonical;
        _canonicalByAlias = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The original's table (capability_management_system at HEAD).</summary>
    public static CapabilityAliases Original { get; } = new(new Dictionary<string, IReadOnlyList<string>>
    {
        ["file_reading"] = ["file_read", "file_access", "read_file"],
        ["file_writing"] = ["file_write", "file_modify", "write_file"],
        ["system_monitoring"] = ["process_monitoring", "system_status", "resource_monitoring"],
        ["service_control"] = ["service_management", "daemon_control"],
        ["network_connectivity"] = ["connectivity_test", "network_test", "ping_test"],
        ["network_analysis"] = ["traffic_analysis", "connection_analysis"],
        ["asset_query"] = ["asset_search", "inventory_query"],
        ["credential_access"] = ["credential_management", "credential_lookup"],
        ["docker_management"] = ["container_management", "docker_control"],
        ["database_query"] = ["db_query", "sql_execution"],
    });

    /// <summary>
    /// The shipped catalog's table (the default of <see cref="SelectionOptions.Aliases"/>): every capability name of
    /// the original's table and of the project's earlier samples, pointed at the one operation of
    /// <c>docs/catalog-guide.md</c>'s vocabulary it most often meant. Those names lumped several operations together
    /// (<c>service_control</c> was start, stop, restart and status), so an alias picks one: the change an operator
    /// asked for by that name (<c>service_control</c> → <c>service_restart</c>) or, where the old capability mostly
    /// read state, the read (<c>docker_management</c> → <c>container_list</c>). A request that means another operation
    /// names it. Literal names still match first, so a catalog that still has <c>service_control</c> patterns (the
    /// original corpus) selects them as before; <see cref="Original"/> keeps the original's own table.
    /// </summary>
    public static CapabilityAliases Catalog { get; } = new(new Dictionary<string, IReadOnlyList<string>>
    {
        ["service_restart"] = ["service_control", "service_management", "daemon_control"],
        ["host_reachability"] = ["network_connectivity", "connectivity_test", "network_test", "ping_test"],
        ["connection_list"] = ["network_analysis", "connection_analysis"],
        ["pcap_decode"] = ["traffic_analysis"],
        ["process_list"] = ["system_monitoring", "process_monitoring"],
        ["cpu_usage"] = ["resource_monitoring"],
        ["load_average"] = ["system_status"],
        ["file_read"] = ["file_reading", "file_access", "read_file"],
        ["config_file_write"] = ["file_writing", "file_write", "file_modify", "write_file"],
        ["asset_lookup"] = ["asset_query"],
        ["asset_search"] = ["inventory_query"],
        ["secret_read"] = ["credential_access", "credential_management", "credential_lookup"],
        ["container_list"] = ["docker_management", "container_management", "docker_control"],
        ["sql_query"] = ["database_query", "db_query", "sql_execution"],
        ["job_schedule"] = ["job_scheduling"],
        ["log_search"] = ["log_analysis"],
        ["chat_message"] = ["notification"],
        ["ticket_create"] = ["ticketing"],
        ["process_kill"] = ["process_management"],
    });

    /// <summary>No aliases: names match exactly.</summary>
    public static CapabilityAliases None { get; } = new(new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>The table: canonical name → aliases.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AliasesByCanonical { get; }

    /// <summary>The canonical name for <paramref name="name"/> (itself when it is not an alias).</summary>
    public string Canonicalize(string name) => _canonicalByAlias.GetValueOrDefault(name, name);
}
