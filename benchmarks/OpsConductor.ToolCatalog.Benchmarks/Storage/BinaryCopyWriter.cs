using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Benchmarks.Storage;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format (header, then per row a field count and length-prefixed fields, then
/// a trailer) straight into one large buffer, and sends the buffer through Npgsql's raw binary COPY stream whenever it
/// holds <see cref="FlushThreshold"/> bytes. JSON documents are written by a <see cref="Utf8JsonWriter"/> directly into
/// that buffer, so a row costs no allocations at all.
/// </summary>
/// <remarks>
/// <para>The library's bulk import used this encoder until the side-by-side measurement in decision 0403
/// (<c>copy-writers</c>): it takes about half the client CPU of <see cref="NpgsqlBinaryImporter"/>, but did not clearly
/// shorten the import, so the library now uses Npgsql's importer and this encoder is kept only as the benchmark's other
/// side.</para>
/// <para>Encodings (PostgreSQL's <c>*send</c>/<c>*recv</c> functions, all big-endian): <c>bigint</c> 8 bytes,
/// <c>integer</c> 4, <c>boolean</c> 1, <c>double precision</c> the IEEE 754 bits in 8 bytes, <c>timestamptz</c>
/// microseconds since 2000-01-01 UTC in 8 bytes, <c>text</c>/<c>varchar</c>/<c>json</c> the UTF-8 bytes (the connection's
/// client encoding is always UTF-8 with Npgsql), <c>jsonb</c> a version byte (1) followed by the JSON text, <c>inet</c>
/// family, prefix length, "is cidr" flag, address length and address bytes. Text is encoded strictly: a lone surrogate
/// is an error, as with Npgsql itself.</para>
/// <para>On <see cref="DisposeAsync"/> without <see cref="CompleteAsync"/> (an exception while writing) the COPY is
/// cancelled, so nothing of it is stored; the caller's transaction is rolled back anyway.</para>
/// <para>Not thread-safe: one writer per COPY, used by one caller.</para>
/// </remarks>
internal sealed class BinaryCopyWriter : IAsyncDisposable
{
    /// <summary>The buffer is sent when it holds this many bytes (the last row may take it a little beyond).</summary>
    public const int FlushThreshold = 256 * 1024;

    private static readonly byte[] Header =
    [
        (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0,
        0, 0, 0, 0, // flags: no OIDs
        0, 0, 0, 0, // header extension length
    ];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly NpgsqlRawCopyStream _stream;
    private readonly CopyBuffer _buffer = new(FlushThreshold + (FlushThreshold / 4));
    private readonly Utf8JsonWriter _json;
    private bool _completed;

    private BinaryCopyWriter(NpgsqlRawCopyStream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer, ModelJson.WriterOptions);
        _buffer.Write(Header);
    }

    /// <summary>The number of rows written so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Starts <paramref name="copyCommand"/> (a <c>COPY … FROM STDIN (FORMAT BINARY)</c>) on <paramref name="connection"/>.</summary>
    public static async Task<BinaryCopyWriter> BeginAsync(NpgsqlConnection connection, string copyCommand, CancellationToken cancellationToken)
    {
        var stream = await connection.BeginRawBinaryCopyAsync(copyCommand, cancellationToken).ConfigureAwait(false);
        return new BinaryCopyWriter(stream);
    }

    /// <summary>Starts a row of <paramref name="fields"/> fields (as many as the COPY command names columns).</summary>
    public void StartRow(short fields)
    {
        BinaryPrimitives.WriteInt16BigEndian(_buffer.GetSpan(2), fields);
        _buffer.Advance(2);
        Rows++;
    }

    /// <summary>Ends a row, sending the buffer when it is full enough.</summary>
    public ValueTask EndRowAsync(CancellationToken cancellationToken) =>
        _buffer.Count >= FlushThreshold ? SendAsync(cancellationToken) : ValueTask.CompletedTask;

    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), -1);
        _buffer.Advance(4);
    }

    public void Int64(long value)
    {
        var span = _buffer.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        _buffer.Advance(12);
    }

    public void Int64(long? value)
    {
        if (value is { } number)
        {
            Int64(number);
        }
        else
        {
            Null();
        }
    }

    public void Int32(int value)
    {
        var span = _buffer.GetSpan(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
        _buffer.Advance(8);
    }

    public void Boolean(bool value)
    {
        var span = _buffer.GetSpan(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        _buffer.Advance(5);
    }

    public void Double(double value)
    {
        var span = _buffer.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteDoubleBigEndian(span[4..], value);
        _buffer.Advance(12);
    }

    /// <summary>A <c>timestamptz</c>: microseconds since 2000-01-01 UTC (sub-microsecond ticks are dropped, as Npgsql does).</summary>
    public void TimestampTz(DateTimeOffset value)
    {
        var span = _buffer.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], (value.UtcTicks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);
        _buffer.Advance(12);
    }

    /// <summary>A <c>text</c> or <c>varchar</c> value (null writes NULL).</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var span = _buffer.GetSpan(4 + StrictUtf8.GetMaxByteCount(value.Length));
        var length = StrictUtf8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        _buffer.Advance(4 + length);
    }

    /// <summary>A <c>json</c> value written by <paramref name="write"/>.</summary>
    public void Json<T>(T value, Action<Utf8JsonWriter, T> write) => Document(value, write, jsonb: false);

    /// <summary>A <c>jsonb</c> value written by <paramref name="write"/>.</summary>
    public void Jsonb<T>(T value, Action<Utf8JsonWriter, T> write) => Document(value, write, jsonb: true);

    /// <summary>A <c>json</c> value given as UTF-8 JSON text.</summary>
    public void JsonText(ReadOnlySpan<byte> utf8)
    {
        var span = _buffer.GetSpan(4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, utf8.Length);
        utf8.CopyTo(span[4..]);
        _buffer.Advance(4 + utf8.Length);
    }

    /// <summary>A <c>jsonb</c> value given as UTF-8 JSON text.</summary>
    public void JsonbText(ReadOnlySpan<byte> utf8)
    {
        var span = _buffer.GetSpan(5 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, utf8.Length + 1);
        span[4] = 1;
        utf8.CopyTo(span[5..]);
        _buffer.Advance(5 + utf8.Length);
    }

    /// <summary>A <c>jsonb</c> value given as JSON text.</summary>
    public void JsonbText(string json)
    {
        var span = _buffer.GetSpan(5 + StrictUtf8.GetMaxByteCount(json.Length));
        var length = StrictUtf8.GetBytes(json, span[5..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length + 1);
        span[4] = 1;
        _buffer.Advance(5 + length);
    }

    /// <summary>An <c>inet</c> value (a host address; null writes NULL).</summary>
    public void Inet(IPAddress? address)
    {
        if (address is null)
        {
            Null();
            return;
        }

        var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var length = ipv6 ? 16 : 4;
        var span = _buffer.GetSpan(8 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, 4 + length);
        span[4] = ipv6 ? (byte)3 : (byte)2; // PGSQL_AF_INET6 / PGSQL_AF_INET
        span[5] = (byte)(length * 8);       // prefix length: the whole address
        span[6] = 0;                        // not cidr
        span[7] = (byte)length;
        if (!address.TryWriteBytes(span.Slice(8, length), out var written) || written != length)
        {
            throw new ArgumentException($"The address {address} cannot be written as inet.", nameof(address));
        }

        _buffer.Advance(8 + length);
    }

    /// <summary>Sends what is left and the trailer, and ends the COPY; a database error (a constraint) surfaces here as
    /// <see cref="PostgresException"/>.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteInt16BigEndian(_buffer.GetSpan(2), -1);
        _buffer.Advance(2);
        await SendAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        _buffer.Dispose();
        if (!_completed)
        {
            _completed = true;
            try
            {
                await _stream.CancelAsync().ConfigureAwait(false);
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException or IOException)
            {
                // The server had refused the data already, or the connection is gone (Npgsql then says "The COPY
                // operation has already ended" or that the connection is broken): the exception that made the caller
                // stop is the one that matters, and its transaction is rolled back either way.
            }
        }
    }

    private void Document<T>(T value, Action<Utf8JsonWriter, T> write, bool jsonb)
    {
        var lengthAt = _buffer.Count;
        var prefix = jsonb ? 5 : 4;
        var span = _buffer.GetSpan(prefix);
        if (jsonb)
        {
            span[4] = 1;
        }

        _buffer.Advance(prefix);
        _json.Reset(_buffer);
        write(_json, value);
        _json.Flush();
        BinaryPrimitives.WriteInt32BigEndian(_buffer.WrittenSpan(lengthAt, 4), _buffer.Count - lengthAt - 4);
    }

    private async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.Clear();
    }

    /// <summary>A growable byte buffer from the shared pool that a <see cref="Utf8JsonWriter"/> can write into and
    /// whose written bytes can be patched (the length prefix of a document is known only after writing it).</summary>
    private sealed class CopyBuffer(int capacity) : IBufferWriter<byte>, IDisposable
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(capacity);

        public int Count { get; private set; }

        public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, Count);

        public Span<byte> WrittenSpan(int start, int length) => _array.AsSpan(start, length);

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(GetSpan(bytes.Length));
            Advance(bytes.Length);
        }

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsMemory(Count);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _array.AsSpan(Count);
        }

        public void Clear() => Count = 0;

        public void Dispose()
        {
            var array = _array;
            _array = [];
            Count = 0;
            if (array.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }

        private void Ensure(int sizeHint)
        {
            var needed = Count + Math.Max(sizeHint, 1);
            if (needed <= _array.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
            _array.AsSpan(0, Count).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }
    }
}
