namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>Where the tools of a <see cref="CatalogSnapshot"/> came from.</summary>
public enum CatalogSource
{
    /// <summary>Nothing loaded yet: the snapshot is empty.</summary>
    None,

    /// <summary>The PostgreSQL catalog (the system of record).</summary>
    Database,

    /// <summary>YAML files: a folder of per-tool files or one optimisation-profiles file.</summary>
    Yaml,

    /// <summary>Tools given in code (tests, benchmarks, embedded catalogs).</summary>
    Memory,
}
