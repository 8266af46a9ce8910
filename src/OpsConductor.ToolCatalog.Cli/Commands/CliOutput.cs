using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>JSON output settings of the CLI.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>Writes left-aligned plain-text columns (no colours: output is often piped).</summary>
internal static class TextTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(Line(headers));
        foreach (var row in all)
        {
            await output.WriteLineAsync(Line(row));
        }

        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
    }
}
