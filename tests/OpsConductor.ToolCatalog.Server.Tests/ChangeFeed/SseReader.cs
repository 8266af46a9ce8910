using System.Text;

namespace OpsConductor.ToolCatalog.Server.Tests.ChangeFeed;

/// <summary>One Server-Sent Event (or a comment, with <see cref="Comment"/> set) as a follower reads it.</summary>
internal sealed record SseEvent(string? Id, string Event, string Data, string? Comment);

/// <summary>Reads a <c>text/event-stream</c> body event by event (the few rules of the format the tests need).</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event or comment block; null at the end of the stream.</summary>
    public async Task<SseEvent?> NextAsync(CancellationToken cancellationToken, bool includeComments = false)
    {
        string? id = null, name = null, comment = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Length > 0 || (includeComments && comment is not null))
                {
                    return new SseEvent(id, name ?? "message", data.ToString(), comment);
                }

                comment = null;
                continue;
            }

            if (line.StartsWith(':'))
            {
                comment = line[1..].Trim();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();
}
