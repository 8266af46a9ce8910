using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>What a directory entry is. Only <see cref="Regular"/> files are ever opened for reading.</summary>
internal enum FileKind
{
    /// <summary>The kind could not be told (the entry vanished, or the system call is not available).</summary>
    Unknown,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
}

/// <summary>
/// Tells a regular file from a FIFO, a socket or a device before it is opened: opening a FIFO for reading blocks until
/// a writer comes (forever, for a stray named pipe called <c>x.yaml</c>), and a device can be endless. .NET has no API
/// for the file type, so on Linux this asks the kernel with <c>statx(2)</c>, whose result layout is the same on every
/// architecture. Elsewhere the file attributes decide (directory, link, else regular): Windows has no FIFOs in folders.
/// </summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;

    private static bool _statxMissing;

    /// <summary>The kind of the entry at <paramref name="path"/>; with <paramref name="followLinks"/> a symbolic link is
    /// described by what it points to.</summary>
    public static FileKind Of(string path, bool followLinks)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && !_statxMissing)
        {
            try
            {
                var buffer = new byte[StatxBufferSize];
                if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
                {
                    return FileKind.Unknown;
                }

                return FromMode(BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)));
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _statxMissing = true;
            }
        }

        return FromAttributes(path, followLinks);
    }

    /// <summary>The kind from <c>st_mode</c>'s file-type bits.</summary>
    internal static FileKind FromMode(int mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.SymbolicLink,
        0x1000 => FileKind.Fifo,
        0xC000 => FileKind.Socket,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Unknown,
    };

    /// <summary>Words for a kind, for "skipped: …" messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link (links are not followed in folders)",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "of an unknown kind (it may have been removed)",
    };

    private static FileKind FromAttributes(string path, bool followLinks)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return FileKind.Unknown;
            }
        }

        if (info.LinkTarget is not null)
        {
            if (!followLinks)
            {
                return FileKind.SymbolicLink;
            }

            try
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            }
            catch (IOException)
            {
                return FileKind.Unknown;
            }
        }

        return info.Attributes.HasFlag(FileAttributes.Directory) ? FileKind.Directory : FileKind.Regular;
    }

    [DllImport("libc", EntryPoint = "statx", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the out buffer.
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
