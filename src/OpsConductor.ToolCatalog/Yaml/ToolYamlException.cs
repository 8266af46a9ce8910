using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>Thrown by the throwing APIs when a YAML document cannot be read as tools; carries the first error's place.</summary>
public sealed class ToolYamlException : ToolCatalogException
{
    /// <summary>Creates the exception from the finding that made the document unreadable.</summary>
    public ToolYamlException(ValidationFinding finding)
        : base((finding ?? throw new ArgumentNullException(nameof(finding))).ToString())
    {
        Finding = finding;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ToolYamlException()
        : this("The YAML document cannot be read as tools.")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ToolYamlException(string message)
        : base(message)
    {
        Finding = new ValidationFinding(ValidationCodes.YamlSyntax, ValidationSeverity.Error, "", message);
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public ToolYamlException(string message, Exception innerException)
        : base(message, innerException)
    {
        Finding = new ValidationFinding(ValidationCodes.YamlSyntax, ValidationSeverity.Error, "", message);
    }

    /// <summary>The error that made the document unreadable.</summary>
    public ValidationFinding Finding { get; }

    /// <summary>The file, when known.</summary>
    public string? File => Finding.File;

    /// <summary>The 1-based line, when known.</summary>
    public int? Line => Finding.Line;

    /// <summary>The 1-based column, when known.</summary>
    public int? Column => Finding.Column;

    /// <summary>The dotted field path (empty for the whole document).</summary>
    public string Path => Finding.Path;

    /// <summary>The rule's code (see <see cref="ValidationCodes"/>).</summary>
    public string Code => Finding.Code;
}
