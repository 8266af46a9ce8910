using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>Collects findings for one document, stamping each with the file and the node's position.</summary>
internal sealed class FindingSink(string? file)
{
    private readonly List<ValidationFinding> _findings = [];

    public IReadOnlyList<ValidationFinding> Findings => _findings;

    public void Add(ValidationFinding finding) => _findings.Add(finding);

    public void Error(string code, string path, YamlNode? at, string message) =>
        Report(code, ValidationSeverity.Error, path, at, message);

    public void Warning(string code, string path, YamlNode? at, string message) =>
        Report(code, ValidationSeverity.Warning, path, at, message);

    public void Report(string code, ValidationSeverity severity, string path, SourceMark at, string message) =>
        _findings.Add(new ValidationFinding(code, severity, path, message)
        {
            File = file,
            Line = at.IsKnown ? at.Line : null,
            Column = at.IsKnown ? at.Column : null,
        });

    public void Report(string code, ValidationSeverity severity, string path, YamlNode? at, string message) =>
        _findings.Add(new ValidationFinding(code, severity, path, message)
        {
            File = file,
            Line = at is { Start.IsKnown: true } ? at.Start.Line : null,
            Column = at is { Start.IsKnown: true } ? at.Start.Column : null,
        });
}
