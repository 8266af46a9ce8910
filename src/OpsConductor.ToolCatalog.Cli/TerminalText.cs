using System.Text;

namespace OpsConductor.ToolCatalog.Cli;

/// <summary>
/// Defence in depth against text that would drive the terminal: whatever the CLI prints (a stored description, a name
/// in an error message, a file name) goes through <see cref="Neutralize"/>, which shows C0 and C1 control characters
/// other than tab, line feed and carriage return, DEL, and the bidirectional overrides as <c>\uXXXX</c> escapes.
/// The validator refuses such characters in tool files; this covers what was stored before, or through the API.
/// The escape form is also a valid JSON string escape, so JSON output stays valid and decodes to the same text.
/// </summary>
internal static class TerminalText
{
    /// <summary>Whether <paramref name="c"/> is shown as an escape.</summary>
    public static bool IsUnsafe(char c) =>
        (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary><paramref name="text"/> with every unsafe character (see <see cref="IsUnsafe"/>) written as <c>\uXXXX</c>.</summary>
    public static string Neutralize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny(UnsafeCharacters);
        if (first < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        result.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnsafe(c))
            {
                result.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> UnsafeCharacters = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x10000).Select(i => (char)i).Where(IsUnsafe)]);

    /// <summary>Wraps <paramref name="writer"/> so that everything written through it is neutralised (once: a wrapped writer is returned as is).</summary>
    public static TextWriter Protect(TextWriter writer) => writer is SafeWriter ? writer : new SafeWriter(writer);

    /// <summary>A writer that neutralises text on its way to the inner writer; flushing and encoding are the inner writer's.</summary>
    private sealed class SafeWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
    {
        public override Encoding Encoding => inner.Encoding;

        public override string NewLine
        {
            get => inner.NewLine;
#pragma warning disable CS8765 // The base setter accepts null.
            set => inner.NewLine = value;
#pragma warning restore CS8765
        }

        public override void Write(char value)
        {
            if (IsUnsafe(value))
            {
                inner.Write(Neutralize(value.ToString()));
            }
            else
            {
                inner.Write(value);
            }
        }

        public override void Write(string? value) => inner.Write(value is null ? null : Neutralize(value));

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : Neutralize(value));

        public override Task WriteAsync(char value) => inner.WriteAsync(IsUnsafe(value) ? Neutralize(value.ToString()) : value.ToString());

        public override Task WriteAsync(string? value) => inner.WriteAsync(value is null ? null : Neutralize(value));

        public override Task WriteAsync(char[] buffer, int index, int count) => WriteAsync(new string(buffer, index, count));

        public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(Neutralize(buffer.ToString()).AsMemory(), cancellationToken);

        public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value is null ? null : Neutralize(value));

        public override Task WriteLineAsync(char value) => inner.WriteLineAsync(IsUnsafe(value) ? Neutralize(value.ToString()) : value.ToString());

        public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteLineAsync(Neutralize(buffer.ToString()).AsMemory(), cancellationToken);

        public override Task WriteLineAsync() => inner.WriteLineAsync();

        public override void WriteLine() => inner.WriteLine();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync() => inner.FlushAsync();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override string ToString() => inner.ToString() ?? "";
    }
}
