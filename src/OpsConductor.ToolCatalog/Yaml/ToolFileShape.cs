namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>What kind of document a YAML file was recognised as.</summary>
public enum ToolFileShape
{
    /// <summary>The canonical per-tool format: <c>tool_name</c>, …, with capabilities and patterns as mappings keyed by name.</summary>
    Canonical,

    /// <summary>The per-tool format with capabilities and patterns as lists of items named by
    /// <c>capability_name</c>/<c>pattern_name</c> (or <c>name</c>), as the original's generators and API body used.</summary>
    ListForm,

    /// <summary>The single-file optimisation-profiles format: <c>version</c> plus a <c>tools:</c> map keyed by tool name.</summary>
    Profiles,

    /// <summary>A <c>tool:</c> wrapper (<c>tool: {name, capability, pattern, inputs, policy}</c>); not read as a tool.</summary>
    ToolWrapper,

    /// <summary>A <c>name:</c> stub (name, version, description, platform, category, tags, metadata) without capabilities; not read as a tool.</summary>
    NameStub,

    /// <summary>The tool template, still holding <c>&lt;PLACEHOLDER&gt;</c> values; not read as a tool.</summary>
    Template,

    /// <summary>A document with no data (empty, or only comments).</summary>
    Empty,

    /// <summary>Well-formed YAML that is none of the known formats.</summary>
    Unknown,

    /// <summary>The file could not be read as YAML at all (missing, too large, malformed, hostile).</summary>
    Unreadable,
}
