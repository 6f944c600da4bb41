// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.Metrics;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IdentityServer.Dcr.OpenIddict.Applications;

/// <summary>
/// OpenIddict's application cache (one per request scope) with one addition: in a token request
/// (<see cref="UseSnapshots"/>), a registered <c>private_key_jwt</c> client's application comes from a copy kept
/// across requests (<see cref="DcrApplicationSnapshots"/>) instead of a database read. The copy is materialized as a
/// new entity and attached to the request's OpenIddict context as unchanged, exactly as if it had just been read, so
/// the token entry written later finds it without another query. Everything else is OpenIddict's own
/// <see cref="OpenIddictApplicationCache{TApplication}"/>.
/// </summary>
/// <remarks>
/// Lookups are counted on <see cref="DcrTelemetry.Meter"/> as <c>dcr.openiddict.application_cache.lookups</c>, tagged
/// <c>dcr.cache.result</c> <c>hit</c> or <c>miss</c> (one per client and token request).
/// </remarks>
internal sealed class DcrApplicationCache : IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>, IDisposable
{
    private static readonly Counter<long> Lookups = DcrTelemetry.Meter.CreateCounter<long>(
        "dcr.openiddict.application_cache.lookups", "{lookup}",
        "Token requests' application lookups: served from a copy (hit) or read from the database (miss).");

    private static readonly KeyValuePair<string, object?> HitTag = new("dcr.cache.result", "hit");
    private static readonly KeyValuePair<string, object?> MissTag = new("dcr.cache.result", "miss");

    private readonly OpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> _inner;
    private readonly IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> _store;
    private readonly DcrApplicationSnapshots _snapshots;
    private readonly DcrOpenIddictDbContext _context;
    private HashSet<string>? _resolved;

    public DcrApplicationCache(
        IOptionsMonitor<OpenIddictCoreOptions> options,
        IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
        DcrApplicationSnapshots snapshots,
        DcrOpenIddictDbContext context)
    {
        _inner = new OpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>(options, store);
        _store = store;
        _snapshots = snapshots;
        _context = context;
    }

    /// <summary>Lets this request use (and fill) the copies kept across requests: the token endpoint only.</summary>
    public void UseSnapshots()
    {
        if (_snapshots.Enabled)
        {
            _resolved ??= new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Drops the client's copy kept across requests: after a refused token request, the next one reads the application
    /// afresh, so a copy that is older than a write elsewhere (a new method, a new scope) costs the client one refusal.
    /// </summary>
    /// <param name="clientId">The client.</param>
    public void Forget(string clientId)
    {
        if (_resolved is not null)
        {
            _snapshots.Evict(clientId);
        }
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        await _inner.AddAsync(application, cancellationToken).ConfigureAwait(false);

        // OpenIddict's manager adds after it creates or updates: any copy kept across requests is now old.
        if (application.ClientId is { } clientId)
        {
            _snapshots.Evict(clientId);
        }
    }

    /// <inheritdoc />
    public async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        if (_resolved is null || !_resolved.Add(identifier))
        {
            return await _inner.FindByClientIdAsync(identifier, cancellationToken).ConfigureAwait(false);
        }

        if (_snapshots.TryGet(identifier, out var snapshot))
        {
            Lookups.Add(1, HitTag);
            var application = Track(snapshot);
            await _inner.AddAsync(application, cancellationToken).ConfigureAwait(false);
            return application;
        }

        Lookups.Add(1, MissTag);
        var generation = _snapshots.Generation;
        var read = await _inner.FindByClientIdAsync(identifier, cancellationToken).ConfigureAwait(false);
        if (read is not null && await IsPrivateKeyJwtClientAsync(read, cancellationToken).ConfigureAwait(false))
        {
            _snapshots.TryAdd(read, generation);
        }

        return read;
    }

    /// <inheritdoc />
    public ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
        => _inner.FindByIdAsync(identifier, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByPostLogoutRedirectUriAsync(
        string uri,
        CancellationToken cancellationToken)
        => _inner.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken)
        => _inner.FindByRedirectUriAsync(uri, cancellationToken);

    /// <inheritdoc />
    public async ValueTask RemoveAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        await _inner.RemoveAsync(application, cancellationToken).ConfigureAwait(false);
        if (application.ClientId is { } clientId)
        {
            _snapshots.Evict(clientId);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    private OpenIddictEntityFrameworkCoreApplication Track(OpenIddictEntityFrameworkCoreApplication snapshot)
    {
        foreach (var entry in _context.ChangeTracker.Entries<OpenIddictEntityFrameworkCoreApplication>())
        {
            if (string.Equals(entry.Entity.Id, snapshot.Id, StringComparison.Ordinal))
            {
                return entry.Entity;
            }
        }

        var application = DcrApplicationSnapshots.Copy(snapshot);
        _context.Attach(application);
        return application;
    }

    private async ValueTask<bool> IsPrivateKeyJwtClientAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken ct)
    {
        // Only clients whose every token request records an assertion: that record is what checks the copy's version.
        var settings = await _store.GetSettingsAsync(application, ct).ConfigureAwait(false);
        return settings.TryGetValue(DcrOpenIddictConstants.TokenEndpointAuthMethodSetting, out var method)
            && string.Equals(method, ClientAuthenticationMethods.PrivateKeyJwt, StringComparison.Ordinal);
    }
}
