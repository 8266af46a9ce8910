namespace OpsConductor.ToolCatalog.Model;

/// <summary>The lifecycle status of a tool version (<c>status</c>; the database CHECK allows exactly these).</summary>
public enum ToolStatus
{
    /// <summary><c>active</c>: selectable (the default).</summary>
    Active,

    /// <summary><c>deprecated</c>: still stored and listed, no longer selected.</summary>
    Deprecated,

    /// <summary><c>disabled</c>: switched off by an administrator.</summary>
    Disabled,

    /// <summary><c>testing</c>: under trial, for example in an A/B test.</summary>
    Testing,

    /// <summary><c>draft</c>: being written; never selected.</summary>
    Draft,
}

/// <summary>Converts <see cref="ToolStatus"/> to and from its lower-case wire form.</summary>
public static class ToolStatusNames
{
    /// <summary>The wire form (<c>active</c>, <c>deprecated</c>, …).</summary>
    public static string ToWire(this ToolStatus status) => status switch
    {
        ToolStatus.Active => "active",
        ToolStatus.Deprecated => "deprecated",
        ToolStatus.Disabled => "disabled",
        ToolStatus.Testing => "testing",
        ToolStatus.Draft => "draft",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown tool status."),
    };

    /// <summary>Parses the wire form (case-insensitive, surrounding whitespace ignored).</summary>
    public static bool TryParse(string? text, out ToolStatus status)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "ACTIVE": status = ToolStatus.Active; return true;
            case "DEPRECATED": status = ToolStatus.Deprecated; return true;
            case "DISABLED": status = ToolStatus.Disabled; return true;
            case "TESTING": status = ToolStatus.Testing; return true;
            case "DRAFT": status = ToolStatus.Draft; return true;
            default: status = ToolStatus.Active; return false;
        }
    }

    /// <summary>All wire forms, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = ["active", "deprecated", "disabled", "testing", "draft"];
}
