namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>A new snapshot was published: what it replaced, what changed, and how the catalog learned of it.</summary>
public sealed class CatalogChangedEventArgs : EventArgs
{
    internal CatalogChangedEventArgs(
        CatalogSnapshot previous,
        CatalogSnapshot current,
        CatalogChangeOrigin origin,
        bool isFullLoad,
        IReadOnlyList<CatalogToolChange> changes)
    {
        Previous = previous;
        Current = current;
        Origin = origin;
        IsFullLoad = isFullLoad;
        Changes = changes;
    }

    /// <summary>The snapshot readers saw before.</summary>
    public CatalogSnapshot Previous { get; }

    /// <summary>The snapshot readers see now.</summary>
    public CatalogSnapshot Current { get; }

    /// <summary>How the catalog learned of the change.</summary>
    public CatalogChangeOrigin Origin { get; }

    /// <summary>
    /// Whether the whole catalog was read (the first load, a switch of source, or a gap in the change feed) rather
    /// than only what changed. <see cref="Changes"/> then lists the differences to the previous snapshot of the same
    /// source, and nothing when the source changed.
    /// </summary>
    public bool IsFullLoad { get; }

    /// <summary>The tools that changed, by name. Empty when a catch-up found changes that cancelled out.</summary>
    public IReadOnlyList<CatalogToolChange> Changes { get; }
}
