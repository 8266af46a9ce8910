using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Files;

/// <summary>What an import does with one file.</summary>
public enum CatalogFileStatus
{
    /// <summary>A valid tool file (canonical, list form or profiles): its tools are imported.</summary>
    Tools,

    /// <summary>Found while searching a folder but not in a tool format (a <c>tool:</c> wrapper, a <c>name:</c> stub, the
    /// template, an empty or unrecognised document): left out, and listed with the reason.</summary>
    Skipped,

    /// <summary>A tool file with at least one error (or a file that is not YAML, or a non-tool file named explicitly):
    /// refuses an all-or-nothing import.</summary>
    Invalid,
}
