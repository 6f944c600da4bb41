// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;

namespace IdentityServer.Dcr.OpenIddict.Applications;

/// <summary>
/// Copies of registered clients' OpenIddict applications kept across requests, for the token endpoint
/// (<see cref="DcrApplicationCache"/>). Each request gets its own instance (<see cref="Copy"/>), never a shared
/// one, so no two requests or database contexts ever hold the same entity.
/// </summary>
/// <remarks>
/// A copy never decides alone: the token endpoint records the client assertion only while the application still has
/// the concurrency token of the copy it used
/// (<see cref="Stores.OpenIddictClientRegistrationStore.TryRecordClientAssertionAsync(string, string, DateTimeOffset, string, CancellationToken)"/>),
/// so a client updated, disabled or deleted by another instance gets no token from an old copy. Writes through this
/// instance evict the copy before and after their commit, and <see cref="Evict"/> moves a generation on, so that a
/// read which began before a write cannot put back what the write replaced.
/// </remarks>
internal sealed class DcrApplicationSnapshots : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly IOptionsMonitor<DcrOpenIddictOptions> _options;
    private long _generation;

    public DcrApplicationSnapshots(IOptionsMonitor<DcrOpenIddictOptions> options)
    {
        _options = options;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.CurrentValue.ApplicationCache.SizeLimit) });
    }

    /// <summary>Whether copies are kept at all (<see cref="DcrApplicationCacheOptions.Duration"/> above zero).</summary>
    public bool Enabled => _options.CurrentValue.ApplicationCache.Duration > TimeSpan.Zero;

    /// <summary>The generation to pass to <see cref="TryAdd"/> for a read that starts now.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string clientId, out OpenIddictEntityFrameworkCoreApplication snapshot)
        => _cache.TryGetValue(clientId, out snapshot!) && snapshot is not null;

    /// <summary>Keeps a copy of <paramref name="application"/> unless the client was written since <paramref name="generation"/>.</summary>
    public void TryAdd(OpenIddictEntityFrameworkCoreApplication application, long generation)
    {
        if (!Enabled || application.ClientId is not { Length: > 0 } clientId || generation != Generation)
        {
            return;
        }

        using var entry = _cache.CreateEntry(clientId);
        entry.Value = Copy(application);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = _options.CurrentValue.ApplicationCache.Duration;
    }

    /// <summary>Forgets the client's copy; called before and after every write of its application.</summary>
    public void Evict(string clientId)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(clientId);
    }

    /// <summary>
    /// A fresh, untracked instance with every mapped scalar property of the application (the navigation collections are
    /// not loaded): what is kept, and what each request gets.
    /// </summary>
    internal static OpenIddictEntityFrameworkCoreApplication Copy(OpenIddictEntityFrameworkCoreApplication source) => new()
    {
        ApplicationType = source.ApplicationType,
        ClientId = source.ClientId,
        ClientSecret = source.ClientSecret,
        ClientType = source.ClientType,
        ConcurrencyToken = source.ConcurrencyToken,
        ConsentType = source.ConsentType,
        DisplayName = source.DisplayName,
        DisplayNames = source.DisplayNames,
        Id = source.Id,
        JsonWebKeySet = source.JsonWebKeySet,
        Permissions = source.Permissions,
        PostLogoutRedirectUris = source.PostLogoutRedirectUris,
        Properties = source.Properties,
        RedirectUris = source.RedirectUris,
        Requirements = source.Requirements,
        Settings = source.Settings,
    };

    public void Dispose() => _cache.Dispose();
}
