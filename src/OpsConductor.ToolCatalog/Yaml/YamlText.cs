using System.Buffers;
using System.Globalization;
using System.Text;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>
/// Turns untrusted bytes or text into text the YAML parser may see: UTF-8 only (a UTF-8 byte-order mark is
/// dropped), no invalid sequences, and only the characters YAML allows (no NUL or other control characters).
/// Each refusal names the line and column of the first offending byte.
/// </summary>
internal static class YamlText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(ReadOnlySpan<byte> bytes, string source, out string text, out ValidationFinding? error)
    {
        text = "";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ||
            bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            error = Refuse(ValidationCodes.InvalidEncoding, source, 1, 1,
                "the file is UTF-16 or UTF-32 encoded (it starts with that byte-order mark); tool files must be UTF-8");
            return false;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        var line = 1;
        var column = 1;
        var index = 0;
        while (index < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[index..], out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                error = Refuse(ValidationCodes.InvalidEncoding, source, line, column,
                    $"the bytes at line {line}, col {column} (byte offset {index.ToString(CultureInfo.InvariantCulture)}, 0x{bytes[index]:X2}) are not valid UTF-8; tool files must be UTF-8 text");
                return false;
            }

            if (!IsAllowed(rune.Value))
            {
                error = DisallowedCharacter(source, line, column, rune.Value);
                return false;
            }

            Advance(rune.Value, ref line, ref column);
            index += consumed;
        }

        text = StrictUtf8.GetString(bytes);
        error = null;
        return true;
    }

    public static ValidationFinding? CheckText(string text, string source)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < text.Length; i++)
        {
            int value = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                value = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return Refuse(ValidationCodes.InvalidEncoding, source, line, column,
                    $"the text has a lone UTF-16 surrogate (U+{value:X4}) at line {line}, col {column}; it cannot be encoded as UTF-8");
            }

            if (!IsAllowed(value) && !(i == 0 && value == 0xFEFF))
            {
                return DisallowedCharacter(source, line, column, value);
            }

            Advance(value, ref line, ref column);
        }

        return null;
    }

    /// <summary>The YAML 1.2 c-printable set: tab, line breaks, printable ASCII, NEL and printable Unicode.</summary>
    public static bool IsAllowed(int c) =>
        c is 0x09 or 0x0A or 0x0D or (>= 0x20 and <= 0x7E) or 0x85 or (>= 0xA0 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD)
            or (>= 0x10000 and <= 0x10FFFF);

    private static ValidationFinding DisallowedCharacter(string source, int line, int column, int value)
    {
        var name = value switch
        {
            0 => " (NUL)",
            0x7F => " (DEL)",
            0xFFFE or 0xFFFF => " (a non-character)",
            _ => value < 0x20 ? " (a control character)" : "",
        };
        return Refuse(ValidationCodes.ControlCharacter, source, line, column,
            $"binary content: the character U+{value:X4}{name} at line {line}, col {column} is not allowed in YAML; only tab, line breaks and printable characters are");
    }

    private static void Advance(int value, ref int line, ref int column)
    {
        if (value == '\n')
        {
            line++;
            column = 1;
        }
        else
        {
            column++;
        }
    }

    private static ValidationFinding Refuse(string code, string source, int line, int column, string message) =>
        new(code, ValidationSeverity.Error, "", message) { File = source, Line = line, Column = column };
}
