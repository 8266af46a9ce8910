using System.Diagnostics;
using System.Net.Sockets;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Files;

/// <summary>
/// Folders are walked for regular files only (issue 12): a FIFO named x.yaml would block a read forever, a socket or a
/// device cannot be read, a link can loop. They are skipped and listed with the reason; nothing hangs.
/// </summary>
[Platform("Linux")]
public sealed class FolderWalkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "toolcatalog-walk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        File.Copy(Path.Combine(TestPaths.SampleTools, "linux", "df.yaml"), Path.Combine(_folder, "df.yaml"));
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), "mkfifo");
    }

    [Test]
    public async Task A_fifo_named_like_a_tool_file_in_a_folder_is_skipped_and_listed_instead_of_blocking_the_import()
    {
        MakeFifo(Path.Combine(_folder, "x.yaml"));

        // Before the fix, reading x.yaml blocks in open(2) until a writer comes: the load never ends.
        var set = await Task.Run(() => new CatalogFiles().Load(_folder)).WaitAsync(Patience);

        Assert.That(set.IsValid, Is.True);
        Assert.That(set.Tools.Select(t => t.Name), Is.EqualTo(new[] { "df" }));
        var skipped = set.SkippedFiles.Single();
        Assert.That(skipped.DisplayPath, Does.EndWith("x.yaml"));
        Assert.That(skipped.SkipReason, Does.Contain("FIFO"));
    }

    [Test]
    public async Task A_fifo_named_explicitly_is_an_unreadable_file_not_a_hang()
    {
        var fifo = Path.Combine(_folder, "x.yaml");
        MakeFifo(fifo);

        var set = await Task.Run(() => new CatalogFiles().Load(fifo)).WaitAsync(Patience);

        var error = set.Errors.Single();
        Assert.That(error.Code, Is.EqualTo(ValidationCodes.FileUnreadable));
        Assert.That(error.Message, Does.Contain("FIFO (named pipe), not a regular file"));
    }

    [Test]
    public void Sockets_and_symbolic_links_are_skipped_with_their_reason_and_links_never_loop()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_folder, "s.yaml")));
        File.CreateSymbolicLink(Path.Combine(_folder, "link.yaml"), Path.Combine(_folder, "df.yaml"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "loop"), _folder);

        var contents = YamlFolder.Walk(_folder);

        Assert.That(contents.Files.Select(Path.GetFileName), Is.EqualTo(new[] { "df.yaml" }));
        Assert.That(contents.Skipped.Select(s => (Path.GetFileName(s.Path), s.Reason.Split(',')[0])), Is.EqualTo(new[]
        {
            ("link.yaml", "a symbolic link; links are not followed inside folders (name the target itself to read it)"),
            ("loop", "a symbolic link; links are not followed inside folders (name the target itself to read it)"),
            ("s.yaml", "a socket"),
        }));
    }

    [Test]
    public void A_device_is_described_as_such_and_never_read()
    {
        Assert.That(FileKinds.Of("/dev/null", followLinks: true), Is.EqualTo(FileKind.CharacterDevice));
        var document = new OpsConductor.ToolCatalog.Yaml.ToolYamlReader().ReadFile("/dev/zero");
        Assert.That(document.ParseErrors.Single().Message, Does.Contain("a character device, not a regular file"));
    }
}
