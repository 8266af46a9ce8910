namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Limits applied while reading a YAML file. Every file is treated as hostile: these bound the memory and
/// time a read can take, whatever the file holds. The defaults are far above what a real tool file needs
/// (the largest file of the original corpus is about 40 KB, 10 levels deep, with no aliases).
/// </summary>
public sealed record YamlReadOptions
{
    /// <summary>The hard ceiling for <see cref="MaxDepth"/>: nesting is consumed without recursion in the reader,
    /// but the mapping into the model walks the tree recursively, so depth must stay small.</summary>
    public const int MaxDepthCeiling = 1000;

    /// <summary>The defaults.</summary>
    public static YamlReadOptions Default { get; } = new();

    /// <summary>The largest file (in bytes, UTF-8) that is read at all; checked before reading. Default 4 MiB.</summary>
    public long MaxFileBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The deepest nesting of sequences and mappings allowed. Default 64; at most <see cref="MaxDepthCeiling"/>.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>The most alias references (<c>*name</c>) a file may contain. Default 100.</summary>
    public int MaxAliases { get; init; } = 100;

    /// <summary>The most nodes the document may have with every alias expanded (the "billion laughs" guard). Default 200,000.</summary>
    public long MaxNodes { get; init; } = 200_000;

    /// <summary>The longest single scalar (in characters). Default 1 MiB.</summary>
    public int MaxScalarLength { get; init; } = 1024 * 1024;

    /// <summary>Whether to warn when a plain scalar would resolve differently under YAML 1.1 (PyYAML, which the
    /// original system used), e.g. <c>yes</c>, <c>0777</c>, <c>1_000</c>, <c>1:30</c>. Default true.</summary>
    public bool WarnOnYaml11Differences { get; init; } = true;

    /// <summary>Throws when a limit is not positive or <see cref="MaxDepth"/> exceeds <see cref="MaxDepthCeiling"/>.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDepth, MaxDepthCeiling, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAliases, 0, nameof(MaxAliases));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNodes, 1, nameof(MaxNodes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxScalarLength, 1, nameof(MaxScalarLength));
    }
}
