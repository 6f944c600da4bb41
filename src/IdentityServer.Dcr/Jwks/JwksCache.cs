// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The key sets of <see cref="JwksResolver"/>, keyed by source kind and absolute URL, bounded in count (the entry
/// stored longest ago is evicted first). Thread-safe.
/// </summary>
/// <remarks>
/// The kind is part of the key so that a TPP naming a trust anchor's URL as its <c>software_jwks_endpoint</c>
/// is fetched under the software policy rather than served from the trust anchor's entry.
/// </remarks>
internal sealed class JwksCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(JwksSourceKind Kind, string Uri), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public Entry? Get(JwksSourceKind kind, string uri)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((kind, uri), out var node) ? node.Value : null;
        }
    }

    /// <summary>Stores a freshly fetched key set and returns the URLs evicted to make room.</summary>
    public IReadOnlyList<string> Set(JwksSourceKind kind, string uri, IReadOnlyList<Jwk> keys, DateTimeOffset fetchedAt, DateTimeOffset expiresAt, int maxEntries)
    {
        var entry = new Entry(kind, uri, keys, fetchedAt, expiresAt, fetchedAt);
        List<string>? evicted = null;
        lock (_gate)
        {
            if (_entries.Remove((kind, uri), out var existing))
            {
                _order.Remove(existing);
            }

            while (_entries.Count >= Math.Max(1, maxEntries) && _order.First is { } oldest)
            {
                _order.RemoveFirst();
                _entries.Remove((oldest.Value.Kind, oldest.Value.Uri));
                (evicted ??= []).Add(oldest.Value.Uri);
            }

            _entries[(kind, uri)] = _order.AddLast(entry);
        }

        return evicted ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Records a fetch attempt that did not replace the keys, for the refresh rate limit.</summary>
    public void RecordAttempt(JwksSourceKind kind, string uri, DateTimeOffset attemptedAt)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((kind, uri), out var node))
            {
                node.Value = node.Value with { LastAttemptAt = attemptedAt };
            }
        }
    }

    /// <summary>A cached key set.</summary>
    /// <param name="Kind">Who chose the URL.</param>
    /// <param name="Uri">The absolute URL.</param>
    /// <param name="Keys">The usable public signing keys.</param>
    /// <param name="FetchedAt">When the keys were fetched.</param>
    /// <param name="ExpiresAt">When the keys must be fetched again.</param>
    /// <param name="LastAttemptAt">When a fetch of the URL was last attempted, successful or not.</param>
    internal sealed record Entry(JwksSourceKind Kind, string Uri, IReadOnlyList<Jwk> Keys, DateTimeOffset FetchedAt, DateTimeOffset ExpiresAt, DateTimeOffset LastAttemptAt);
}
