using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.AspNetCore.Http;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary>The pooled buffer an answer is written into before it is sent with its length.</summary>
[TestFixture]
public sealed class PooledBufferWriterTests
{
    [Test]
    public void Grows_from_a_tiny_buffer_keeping_everything_written()
    {
        var values = Enumerable.Range(0, 2_000).Select(static i => new string((char)('a' + (i % 26)), i % 300)).ToList();
        using var buffer = new PooledBufferWriter(16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
                writer.WriteNumberValue(0.1 + value.Length);
            }

            writer.WriteEndArray();
        }

        var expected = JsonSerializer.Serialize(values.SelectMany(static v => new object[] { v, 0.1 + v.Length }));
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenMemory.Span), Is.EqualTo(expected));
        Assert.That(buffer.WrittenMemory.Length, Is.GreaterThan(250_000), "many times the initial capacity");
    }

    [Test]
    public void Gives_at_least_the_room_asked_for_and_refuses_to_advance_past_it()
    {
        using var buffer = new PooledBufferWriter(16);
        var span = buffer.GetSpan(5_000);
        Assert.That(span.Length, Is.GreaterThanOrEqualTo(5_000));
        span[..3].Fill((byte)'x');
        buffer.Advance(3);
        var memory = buffer.GetMemory();
        Assert.That(memory.Length, Is.GreaterThanOrEqualTo(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(memory.Length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
        Assert.That(Encoding.ASCII.GetString(buffer.WrittenMemory.Span), Is.EqualTo("xxx"));
    }

    [Test]
    public void Returns_its_array_once_and_refuses_use_after_dispose()
    {
        var buffer = new PooledBufferWriter(64);
        buffer.Dispose();
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan());
        Assert.That(buffer.WrittenMemory.Length, Is.Zero);
    }
}
