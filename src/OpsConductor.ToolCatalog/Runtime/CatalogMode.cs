namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>Where a <see cref="ToolCatalogRuntime"/> reads its tools from.</summary>
public enum CatalogMode
{
    /// <summary>
    /// The database, and the YAML of <see cref="ToolCatalogOptions.YamlPath"/> only while the database has never been
    /// reachable since the process started; once the database answers, the catalog switches over for good (a later
    /// outage keeps serving the last database snapshot, never the YAML). Without a <see cref="ToolCatalogOptions.YamlPath"/>
    /// this is <see cref="Database"/>. The default.
    /// </summary>
    DatabaseWithYamlFallback,

    /// <summary>The PostgreSQL catalog only, kept current over LISTEN/NOTIFY.</summary>
    Database,

    /// <summary>YAML only: a folder of per-tool files, or one optimisation-profiles file, in file order. No database.</summary>
    Yaml,
}
