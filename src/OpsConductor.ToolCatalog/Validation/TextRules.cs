using System.Globalization;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The rule on the characters of every string in a file, whatever its shape (<see cref="ValidationCodes.ToolControlCharacter"/>):
/// no NUL (PostgreSQL cannot store it) and no other C0 or C1 control character or DEL (<c>\e[31m</c> or <c>\x07</c> in a
/// description would drive the terminal of whoever prints it); tab, line feed and carriage return are allowed. YAML
/// refuses these characters written raw (YAML008), but a double-quoted scalar can still make them with escapes. Keys
/// are checked as well as values. One finding per string, at the string's position.
/// </summary>
internal static class TextRules
{
    public static void Run(YamlNode root, FindingSink sink) => Walk(root, "", sink);

    /// <summary>Whether <paramref name="c"/> is refused in text.</summary>
    public static bool IsRefused(char c) => char.IsControl(c) && c is not ('\t' or '\n' or '\r');

    /// <summary>The first refused character of <paramref name="text"/>, as its index; -1 when there is none.</summary>
    public static int FirstRefused(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsRefused(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The message for a refused character at <paramref name="index"/> of <paramref name="text"/>, the field named by <paramref name="what"/>.</summary>
    public static string Describe(string what, string text, int index)
    {
        var c = text[index];
        var code = string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");
        return c == '\0'
            ? string.Create(CultureInfo.InvariantCulture, $"{what} holds a NUL character ({code}) at character {index + 1}, which the catalog database cannot store; remove it (in YAML it is written \\0 or \\x00)")
            : string.Create(CultureInfo.InvariantCulture, $"{what} holds the control character {code}{Name(c)} at character {index + 1}; text may hold tab, line feed and carriage return but no other control character (escapes such as \\e, \\x07 or \\u001b in a double-quoted string make them, and they would drive the terminal of whoever prints the tool); remove it");
    }

    private static string Name(char c) => c switch
    {
        '\u001b' => " (ESC, which starts terminal escape sequences)",
        '\u0007' => " (BEL)",
        '\u0008' => " (backspace)",
        '\u007f' => " (DEL)",
        '\u009b' => " (CSI, which starts terminal escape sequences)",
        _ => "",
    };

    private static void Walk(YamlNode node, string path, FindingSink sink)
    {
        switch (node)
        {
            case YamlScalar scalar:
                Check(scalar, path, path.Length == 0 ? "the document" : $"'{path}'", sink);
                break;
            case YamlSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    Walk(sequence.Items[i], FieldPath.Item(path, i), sink);
                }

                break;
            case YamlMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    var child = FieldPath.Child(path, Printable(entry.Key.Text));
                    Check(entry.Key, child, $"the key '{child}'", sink);
                    Walk(entry.Value, child, sink);
                }

                break;
        }
    }

    private static void Check(YamlScalar scalar, string path, string what, FindingSink sink)
    {
        if (scalar.IsString && FirstRefused(scalar.Text) is var index and >= 0)
        {
            sink.Error(ValidationCodes.ToolControlCharacter, path, scalar, Describe(what, scalar.Text, index));
        }
    }

    /// <summary>A key as it appears in a field path: refused characters shown as <c>\uXXXX</c>, so that no message carries them.</summary>
    internal static string Printable(string text)
    {
        if (FirstRefused(text) < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (IsRefused(c))
            {
                result.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }
}
