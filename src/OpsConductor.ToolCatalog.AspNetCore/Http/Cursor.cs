using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// The opaque <c>cursor</c> of the API's lists: base64url (no padding) of <c>kind:key</c>, where the key is the last item
/// of the page (a tool name, a capability name, an audit row id, …) and the kind names the list, so a cursor of one list
/// is refused by another. A client only passes back the <c>next_cursor</c> it was given.
/// </summary>
internal static class Cursor
{
    /// <summary>The cursor after <paramref name="key"/> in the list <paramref name="kind"/>.</summary>
    public static string Encode(string kind, string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(kind + ":" + key));

    /// <summary>The cursor after the row <paramref name="id"/> in the list <paramref name="kind"/>.</summary>
    public static string Encode(string kind, long id) => Encode(kind, id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The key of <paramref name="cursor"/>, or false when it is not a cursor of the list <paramref name="kind"/>.</summary>
    public static bool TryDecode(string kind, string cursor, out string key)
    {
        key = "";
        if (cursor.Length == 0 || cursor.Length > 4096 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }

        if (!text.StartsWith(kind + ":", StringComparison.Ordinal))
        {
            return false;
        }

        key = text[(kind.Length + 1)..];
        return true;
    }

    /// <summary>The row id of <paramref name="cursor"/>, or false when it is not a cursor of the list <paramref name="kind"/>.</summary>
    public static bool TryDecode(string kind, string cursor, out long id)
    {
        id = 0;
        return TryDecode(kind, cursor, out string key)
            && long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out id)
            && id > 0;
    }
}

/// <summary>A list request's page: how many items (<c>limit</c>) and after which (<c>cursor</c>, decoded).</summary>
/// <param name="Limit">The page size, 1 to <see cref="ToolCatalogServerOptions.MaxListLimit"/>.</param>
/// <param name="After">The key of the previous page's last item; null for the first page.</param>
internal readonly record struct PageRequest(int Limit, string? After)
{
    /// <summary>
    /// Reads <c>limit</c> and <c>cursor</c>, or gives the 400 problem naming the field and the rule: a limit that is not a
    /// whole number from 1 to the server's maximum, a cursor that is not one this list gave.
    /// </summary>
    public static bool TryRead(string? limit, string? cursor, string kind, ToolCatalogServerOptions options, out PageRequest page, out IResult? problem)
    {
        page = default;
        problem = null;
        var size = options.DefaultListLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > options.MaxListLimit))
        {
            problem = ApiProblems.BadRequest(
                $"The query parameter 'limit' is '{ToolRepresentation.Echo(limit)}': it must be a whole number from 1 to {options.MaxListLimit.ToString(CultureInfo.InvariantCulture)}.",
                "limit");
            return false;
        }

        string? after = null;
        if (cursor is not null && !Cursor.TryDecode(kind, cursor, out after))
        {
            problem = ApiProblems.BadRequest(
                "The query parameter 'cursor' is not a cursor of this list: pass back the 'next_cursor' of the previous page unchanged, or leave it out for the first page.",
                "cursor");
            return false;
        }

        page = new PageRequest(size, after);
        return true;
    }
}

/// <summary>Cuts one page out of a list held in memory and ordered by key (ordinal), as the snapshot's lists are.</summary>
internal static class Paging
{
    /// <summary>
    /// The items after <see cref="PageRequest.After"/> that <paramref name="match"/> accepts, at most
    /// <see cref="PageRequest.Limit"/> of them, and the cursor of the next page when more follow.
    /// </summary>
    /// <param name="ordered">The whole list, ordered by <paramref name="key"/> (ordinal, no duplicates).</param>
    /// <param name="key">An item's key, which the cursor carries.</param>
    /// <param name="match">The list's filter.</param>
    /// <param name="page">The page asked for.</param>
    /// <param name="kind">The list's cursor kind.</param>
    /// <param name="project">The item as the response shows it.</param>
    public static Contracts.PageResponse<TOut> Cut<TIn, TOut>(
        IReadOnlyList<TIn> ordered, Func<TIn, string> key, Func<TIn, bool> match, PageRequest page, string kind, Func<TIn, TOut> project)
    {
        var start = 0;
        if (page.After is { } after)
        {
            // First index whose key sorts after the cursor's (binary search: a page costs O(log n + page)).
            int low = 0, high = ordered.Count;
            while (low < high)
            {
                var mid = low + ((high - low) / 2);
                if (string.CompareOrdinal(key(ordered[mid]), after) <= 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            start = low;
        }

        var items = new List<TOut>(Math.Min(page.Limit, 64));
        TIn last = default!;
        for (var i = start; i < ordered.Count; i++)
        {
            var item = ordered[i];
            if (!match(item))
            {
                continue;
            }

            if (items.Count == page.Limit)
            {
                return new(items, Cursor.Encode(kind, key(last)));
            }

            items.Add(project(item));
            last = item;
        }

        return new(items, null);
    }
}
