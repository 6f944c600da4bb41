// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The key sets of <see cref="JwksResolver"/>, keyed by source kind and absolute URL, bounded in count (the entry
/// stored longest ago is evicted first), and the fetches in flight, so that concurrent lookups of one URL share one
/// fetch. Thread-safe.
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
    private readonly Dictionary<(JwksSourceKind Kind, string Uri), TaskCompletionSource<JwksFetchResult>> _inFlight = [];

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

    /// <summary>Joins the fetch of a URL in flight, or registers a new one that the caller must run.</summary>
    /// <param name="kind">Who chose the URL.</param>
    /// <param name="uri">The absolute URL.</param>
    /// <param name="observedAttemptAt">
    /// The <see cref="Entry.LastAttemptAt"/> the caller decided on (<see cref="DateTimeOffset.MinValue"/> for no
    /// entry), or <see langword="null"/> to fetch regardless.
    /// </param>
    /// <returns>
    /// The fetch to wait for; or <see langword="null"/> when nothing is in flight and an attempt completed after the
    /// caller read the entry, so the caller must decide again (this keeps forced refreshes to one per interval).
    /// </returns>
    public PendingFetch? JoinOrStart(JwksSourceKind kind, string uri, DateTimeOffset? observedAttemptAt)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue((kind, uri), out var pending))
            {
                return new PendingFetch(pending.Task, IsOwner: false);
            }

            var current = _entries.TryGetValue((kind, uri), out var node) ? node.Value.LastAttemptAt : DateTimeOffset.MinValue;
            if (observedAttemptAt is { } observed && current != observed)
            {
                return null;
            }

            pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight.Add((kind, uri), pending);
            return new PendingFetch(pending.Task, IsOwner: true);
        }
    }

    /// <summary>
    /// Completes the fetch registered by <see cref="JoinOrStart"/>: stores the keys on success or records the
    /// attempt, then releases the waiting callers. Returns the URLs evicted to make room.
    /// </summary>
    public IReadOnlyList<string> CompleteFetch(
        JwksSourceKind kind, string uri, JwksFetchResult? result, Exception? failure, DateTimeOffset now, DateTimeOffset expiresAt, int maxEntries)
    {
        TaskCompletionSource<JwksFetchResult>? pending;
        IReadOnlyList<string> evicted = [];
        lock (_gate)
        {
            if (failure is null && result is { Succeeded: true })
            {
                evicted = Set(kind, uri, result.Keys, now, expiresAt, maxEntries);
            }
            else
            {
                RecordAttempt(kind, uri, now);
            }

            _inFlight.Remove((kind, uri), out pending);
        }

        if (failure is not null)
        {
            pending?.SetException(failure);
        }
        else
        {
            pending?.SetResult(result!);
        }

        return evicted;
    }

    /// <summary>Stores a freshly fetched key set and returns the URLs evicted to make room.</summary>
    public IReadOnlyList<string> Set(
        JwksSourceKind kind,
        string uri,
        IReadOnlyList<Jwk> keys,
        DateTimeOffset fetchedAt,
        DateTimeOffset expiresAt,
        int maxEntries)
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

    /// <summary>A fetch in flight.</summary>
    /// <param name="Task">Completes with the fetch.</param>
    /// <param name="IsOwner">Whether the caller registered it and must run it.</param>
    internal readonly record struct PendingFetch(Task<JwksFetchResult> Task, bool IsOwner);

    /// <summary>A cached key set.</summary>
    /// <param name="Kind">Who chose the URL.</param>
    /// <param name="Uri">The absolute URL.</param>
    /// <param name="Keys">The usable public signing keys.</param>
    /// <param name="FetchedAt">When the keys were fetched.</param>
    /// <param name="ExpiresAt">When the keys must be fetched again.</param>
    /// <param name="LastAttemptAt">When a fetch of the URL was last attempted, successful or not.</param>
    internal sealed record Entry(
        JwksSourceKind Kind,
        string Uri,
        IReadOnlyList<Jwk> Keys,
        DateTimeOffset FetchedAt,
        DateTimeOffset ExpiresAt,
        DateTimeOffset LastAttemptAt);
}
