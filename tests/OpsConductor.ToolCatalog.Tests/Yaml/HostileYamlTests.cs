using System.Text;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Yaml;

/// <summary>Malicious or broken input gets one clear error naming the rule and the position; the process survives.</summary>
public sealed class HostileYamlTests
{
    private static readonly ToolYamlReader Reader = new();

    private static ValidationFinding SingleError(ToolDocument document)
    {
        Assert.That(document.Shape, Is.EqualTo(ToolFileShape.Unreadable));
        Assert.That(document.Tools, Is.Empty);
        Assert.That(document.ParseErrors, Has.Count.EqualTo(1), string.Join("\n", document.ParseErrors));
        return document.ParseErrors[0];
    }

    /// <summary>Errors of the YAML layer only (not the shape error a non-tool test document gets).</summary>
    private static IEnumerable<ValidationFinding> YamlErrors(ToolDocument document) =>
        document.ParseErrors.Where(e => e.Code.StartsWith("YAML", StringComparison.Ordinal));

    [TestCase('[')]
    [TestCase('{')]
    public void Flow_collections_nested_100000_deep_are_refused_at_the_depth_limit(char open)
    {
        var error = SingleError(Reader.Read(new string(open, 100_000), "deep.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.NestingTooDeep));
        Assert.That(error.Message, Does.Contain("nested more than 64 levels"));
        Assert.That((error.File, error.Line, error.Column), Is.EqualTo(("deep.yaml", (int?)1, (int?)65)));
    }

    [Test]
    public void Block_sequences_nested_100000_deep_are_refused_at_the_depth_limit()
    {
        var error = SingleError(Reader.Read(string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n", "deep.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.NestingTooDeep));
        Assert.That(error.Line, Is.EqualTo(1));
        Assert.That(error.Column, Is.EqualTo(129), "the 65th '- ' starts at column 129");
    }

    [Test]
    public void Indented_block_mappings_nested_deeper_than_the_limit_are_refused_with_the_field_path()
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            yaml.Append(' ', i).Append("k:\n");
        }

        var error = SingleError(Reader.Read(yaml.ToString(), "deep.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.NestingTooDeep));
        Assert.That(error.Line, Is.EqualTo(65), "the root mapping is level 1; the value of the 64th key opens level 65");
        Assert.That(error.Path, Is.EqualTo(string.Join('.', Enumerable.Repeat("k", 64))));
    }

    [Test]
    public void A_depth_limit_can_be_configured_but_not_above_the_ceiling()
    {
        var shallow = new ToolYamlReader(new YamlReadOptions { MaxDepth = 3 });
        Assert.That(SingleError(shallow.Read("a: {b: {c: [1]}}", "x.yaml")).Message, Does.Contain("more than 3 levels"));
        Assert.That(YamlErrors(shallow.Read("a: {b: {c: 1}}", "x.yaml")), Is.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ToolYamlReader(new YamlReadOptions { MaxDepth = 100_000 }));
    }

    [Test]
    public void Billion_laughs_is_refused_by_the_expanded_node_limit_without_expanding_anything()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
        {
            var previous = $"*a{i - 1}";
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat(previous, 9))}]\n");
        }

        var error = SingleError(Reader.Read(yaml.ToString(), "laughs.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.AliasLimit));
        Assert.That(error.Message, Does.Contain("billion laughs").And.Contain("200,000 nodes"));
        Assert.That(error.Line, Is.InRange(5, 7), "refused at the first alias that pushes past 200,000 nodes");
        Assert.That(error.Path, Does.StartWith("a"));
    }

    [Test]
    public void More_aliases_than_the_limit_are_refused()
    {
        var yaml = "x: &x 1\nlist: [" + string.Join(", ", Enumerable.Repeat("*x", 101)) + "]\n";

        var error = SingleError(Reader.Read(yaml, "aliases.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.AliasLimit));
        Assert.That(error.Message, Does.Contain("more than 100 aliases"));
        Assert.That(error.Path, Is.EqualTo("list[100]"));
    }

    [Test]
    public void A_few_aliases_are_allowed_and_read_as_copies()
    {
        var document = Reader.Read("base: &b {x: 1}\ncopy: *b\n", "ok.yaml");
        Assert.That(YamlErrors(document), Is.Empty);
        var root = (YamlMapping)document.Root!;
        Assert.That(ToolModelReader.ToData(root.Get("copy")!), Is.EqualTo(ToolModelReader.ToData(root.Get("base")!)));
    }

    [Test]
    public void An_alias_to_its_own_container_is_refused_as_recursive()
    {
        var error = SingleError(Reader.Read("a: &x [1, *x]\n", "loop.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.UnknownAlias));
        Assert.That(error.Message, Does.Contain("*x").And.Contain("recursive"));
    }

    [Test]
    public void An_alias_to_an_undefined_anchor_is_refused()
    {
        var error = SingleError(Reader.Read("a: *nowhere\n", "alias.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.UnknownAlias));
        Assert.That((error.Line, error.Column), Is.EqualTo(((int?)1, (int?)4)));
    }

    [Test]
    public void A_50_MB_file_is_refused_from_its_size_before_it_is_read()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-hostile-");
        try
        {
            var path = Path.Combine(folder.FullName, "huge.yaml");
            using (var file = File.Create(path))
            {
                // A sparse file of NUL bytes: reading it would report binary content (YAML008), not its size.
                file.SetLength(50L * 1024 * 1024);
            }

            var error = SingleError(Reader.ReadFile(path));

            Assert.That(error.Code, Is.EqualTo(ValidationCodes.FileTooLarge));
            Assert.That(error.Message, Does.Contain("52,428,800 bytes").And.Contain("limit is 4,194,304 bytes"));
            Assert.That(error.File, Is.EqualTo(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public void An_endless_stream_is_read_only_up_to_the_limit()
    {
        var reader = new ToolYamlReader(new YamlReadOptions { MaxFileBytes = 1000 });
        var stream = new EndlessStream();

        var error = SingleError(reader.Read(stream, "endless.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.FileTooLarge));
        Assert.That(stream.BytesRead, Is.LessThanOrEqualTo(1001));
    }

    [Test]
    public void Text_longer_than_the_limit_is_refused_before_parsing()
    {
        var reader = new ToolYamlReader(new YamlReadOptions { MaxFileBytes = 100 });
        Assert.That(SingleError(reader.Read("a: \"" + new string('é', 60) + "\"", "x.yaml")).Code, Is.EqualTo(ValidationCodes.FileTooLarge),
            "60 two-byte characters are more than 100 bytes");
    }

    [Test]
    public void A_huge_scalar_is_refused_with_its_length_and_position()
    {
        var yaml = "tool_name: grep\ndescription: " + new string('x', 2 * 1024 * 1024) + "\n";

        var error = SingleError(Reader.Read(yaml, "scalar.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.ScalarTooLong));
        Assert.That(error.Message, Does.Contain("2,097,152 characters").And.Contain("limit is 1,048,576"));
        Assert.That((error.Path, error.Line, error.Column), Is.EqualTo(("description", (int?)2, (int?)14)));
    }

    [Test]
    public void Duplicate_keys_are_an_error_naming_both_lines()
    {
        var yaml = "tool_name: grep\nversion: \"1.0\"\ncapabilities:\n  search:\n    description: a\n    description: b\n";

        var error = SingleError(Reader.Read(yaml, "dup.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.DuplicateKey));
        Assert.That(error.Message, Does.Contain("'description'").And.Contain("line 5 and line 6"));
        Assert.That((error.Path, error.Line), Is.EqualTo(("capabilities.search.description", (int?)6)));
    }

    [TestCase("a: !!python/object:os.system ls\n", "!!python/object:os.system")]
    [TestCase("a: !!python/object/apply:subprocess.check_output [[ls]]\n", "!!python/object/apply:subprocess.check_output")]
    [TestCase("a: !foo bar\n", "!foo")]
    [TestCase("a: !!binary aGVsbG8=\n", "!!binary")]
    [TestCase("a: !<tag:example.com,2000:x> y\n", "tag:example.com,2000:x")]
    public void Tags_outside_the_core_schema_are_refused(string yaml, string tag)
    {
        var error = SingleError(Reader.Read(yaml, "tag.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.ForbiddenTag));
        Assert.That(error.Message, Does.Contain(tag).And.Contain("not allowed").And.Contain("!!str, !!int"));
        Assert.That((error.Path, error.Line, error.Column), Is.EqualTo(("a", (int?)1, (int?)4)));
    }

    [Test]
    public void Core_schema_tags_are_honoured_and_a_value_that_does_not_fit_its_tag_is_refused()
    {
        var ok = Reader.Read("a: !!str 123\nb: !!float 1\nc: !!int \"7\"\n", "tags.yaml");
        Assert.That(YamlErrors(ok), Is.Empty);
        var root = (YamlMapping)ok.Root!;
        Assert.That(((YamlScalar)root.Get("a")!).Kind, Is.EqualTo(ScalarKind.String));
        Assert.That(((YamlScalar)root.Get("b")!).Value, Is.EqualTo(1.0));
        Assert.That(((YamlScalar)root.Get("c")!).Value, Is.EqualTo(7L));

        var error = SingleError(Reader.Read("a: !!int abc\n", "tags.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.TagMismatch));
        Assert.That(error.Message, Does.Contain("'abc'").And.Contain("!!int"));
    }

    [Test]
    public void A_NUL_byte_is_binary_content_at_its_line_and_column()
    {
        var error = SingleError(Reader.Read(new MemoryStream("tool_name: grep\nversion: \"1\0\"\n"u8.ToArray()), "nul.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.ControlCharacter));
        Assert.That(error.Message, Does.Contain("U+0000 (NUL)").And.Contain("line 2, col 12"));
        Assert.That((error.Line, error.Column), Is.EqualTo(((int?)2, (int?)12)));
    }

    [Test]
    public void Invalid_utf8_is_refused_at_the_offending_byte()
    {
        var bytes = "a: ok\nb: \""u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\"\n"u8.ToArray()).ToArray();

        var error = SingleError(Reader.Read(new MemoryStream(bytes), "bad.yaml"));

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.InvalidEncoding));
        Assert.That(error.Message, Does.Contain("not valid UTF-8").And.Contain("0xC3"));
        Assert.That((error.Line, error.Column), Is.EqualTo(((int?)2, (int?)5)));
    }

    [Test]
    public void A_utf16_file_is_refused_as_not_utf8()
    {
        var error = SingleError(Reader.Read(new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("a: 1")).ToArray()), "utf16.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.InvalidEncoding));
        Assert.That(error.Message, Does.Contain("UTF-16"));
    }

    [Test]
    public void Random_bytes_get_a_clean_encoding_or_binary_content_error()
    {
        var random = new Random(20251017);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);

            var document = Reader.Read(new MemoryStream(bytes), $"junk{i}.bin");

            Assert.That(document.IsReadable, Is.False, $"sample {i}");
            Assert.That(document.ParseErrors[0].Code, Is.AnyOf(ValidationCodes.InvalidEncoding, ValidationCodes.ControlCharacter, ValidationCodes.YamlSyntax));
            Assert.That(document.ParseErrors[0].Line, Is.Not.Null);
        }
    }

    [Test]
    public void Mutated_tool_files_never_throw_and_every_error_has_a_position()
    {
        var original = File.ReadAllText(Path.Combine(Support.TestPaths.CompatTools, "linux", "grep.yaml"));
        const string alphabet = "[]{}:-?,&*!|>'\"%@`#\n \t\\";
        var random = new Random(42);
        for (var i = 0; i < 300; i++)
        {
            var text = new StringBuilder(original);
            for (var m = 0; m < 1 + random.Next(5); m++)
            {
                var at = random.Next(text.Length);
                if (random.Next(2) == 0)
                {
                    text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                }
                else
                {
                    text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at));
                }
            }

            var document = Reader.Read(text.ToString(), $"mutant{i}.yaml");
            var report = new ToolValidator().Validate(document);

            foreach (var error in document.ParseErrors)
            {
                Assert.That(error.Line, Is.Not.Null, $"mutant {i}: {error}");
            }

            Assert.That(report.Findings.Take(document.ParseErrors.Count), Is.EqualTo(document.ParseErrors), $"mutant {i}: the report carries the reading errors");
            Assert.That(document.ParseErrors.Count > 0 && report.IsValid, Is.False, $"mutant {i}: a file with reading errors is never valid");
            Assert.That(report.Errors.Where(e => e.Line is null).Select(e => e.ToString()), Is.Empty, $"mutant {i}: every error has a position");
        }
    }

    [Test]
    public void A_merge_key_is_refused()
    {
        var error = SingleError(Reader.Read("base: &b {x: 1}\nother:\n  <<: *b\n", "merge.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.MergeKey));
        Assert.That((error.Path, error.Line), Is.EqualTo(("other", (int?)3)));
    }

    [Test]
    public void A_mapping_used_as_a_key_is_refused()
    {
        var error = SingleError(Reader.Read("? {a: 1}\n: b\n", "key.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.ComplexKey));
    }

    [Test]
    public void A_second_document_is_refused()
    {
        var error = SingleError(Reader.Read("a: 1\n---\nb: 2\n", "two.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.MultipleDocuments));
        Assert.That(error.Line, Is.EqualTo(2));
    }

    [Test]
    public void Malformed_yaml_that_makes_the_parser_throw_unusual_exceptions_is_reported_as_a_syntax_error()
    {
        // YamlDotNet throws InvalidOperationException (not YamlException) for this one.
        var error = SingleError(Reader.Read("a: [1, 2\nb: c", "unclosed.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.YamlSyntax));
        Assert.That(error.Line, Is.Not.Null);
        Assert.That(error.Message, Does.Contain("malformed"));
    }

    [Test]
    public void A_syntax_error_names_its_line_and_column()
    {
        var error = SingleError(Reader.Read("a: 1\nb: \"unterminated\n", "syntax.yaml"));
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.YamlSyntax));
        Assert.That(error.Message, Does.StartWith("the YAML is malformed: ").And.Not.Contain("Idx:"));
        Assert.That(error.Line, Is.GreaterThanOrEqualTo(2));
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
