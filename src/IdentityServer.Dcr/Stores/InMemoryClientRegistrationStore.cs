// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Stores;

/// <summary>
/// A process-local <see cref="IClientRegistrationStore"/> for tests and throwaway demos. Not for production:
/// nothing survives a restart and nothing is shared between instances.
/// </summary>
public sealed class InMemoryClientRegistrationStore : IClientRegistrationStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ClientRegistration> _registrations = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Issuer, string Jti), DateTimeOffset> _usedTokens = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store.</summary>
    /// <param name="timeProvider">The clock (when a client is disabled); the system clock when <see langword="null"/>.</param>
    public InMemoryClientRegistrationStore(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The registrations currently stored (a snapshot).</summary>
    public IReadOnlyList<ClientRegistration> Registrations
    {
        get
        {
            lock (_gate)
            {
                return [.. _registrations.Values];
            }
        }
    }

    /// <inheritdoc />
    public Task<ClientRegistration?> FindByClientIdAsync(string clientId, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_registrations.GetValueOrDefault(clientId));
        }
    }

    /// <inheritdoc />
    public Task<bool> ExistsForSoftwareAsync(string softwareId, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_registrations.Values.Any(r => r.SoftwareId == softwareId));
        }
    }

    /// <inheritdoc />
    public Task<bool> IsRequestTokenUsedAsync(string issuer, string jti, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_usedTokens.ContainsKey((issuer, jti)));
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult> CreateAsync(
        ClientRegistration registration,
        UsedRequestToken requestToken,
        bool requireUniqueSoftware,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(requestToken);
        lock (_gate)
        {
            if (_usedTokens.ContainsKey((requestToken.Issuer, requestToken.Jti)))
            {
                return Task.FromResult(StoreWriteResult.RequestTokenReplayed);
            }

            if (requireUniqueSoftware && _registrations.Values.Any(r => r.SoftwareId == registration.SoftwareId))
            {
                return Task.FromResult(StoreWriteResult.DuplicateSoftware);
            }

            if (!_registrations.TryAdd(registration.ClientId, registration))
            {
                return Task.FromResult(StoreWriteResult.ConcurrencyConflict);
            }

            _usedTokens[(requestToken.Issuer, requestToken.Jti)] = requestToken.ExpiresAt;
            return Task.FromResult(StoreWriteResult.Success);
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult> UpdateAsync(
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        UsedRequestToken requestToken,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(requestToken);
        lock (_gate)
        {
            if (!_registrations.TryGetValue(registration.ClientId, out var existing))
            {
                return Task.FromResult(StoreWriteResult.NotFound);
            }

            if (_usedTokens.ContainsKey((requestToken.Issuer, requestToken.Jti)))
            {
                return Task.FromResult(StoreWriteResult.RequestTokenReplayed);
            }

            if (existing.ConcurrencyStamp != expectedConcurrencyStamp)
            {
                return Task.FromResult(StoreWriteResult.ConcurrencyConflict);
            }

            _registrations[registration.ClientId] = registration;
            _usedTokens[(requestToken.Issuer, requestToken.Jti)] = requestToken.ExpiresAt;
            return Task.FromResult(StoreWriteResult.Success);
        }
    }

    /// <inheritdoc />
    public Task<StoreWriteResult> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_registrations.TryGetValue(clientId, out var existing))
            {
                return Task.FromResult(StoreWriteResult.NotFound);
            }

            _registrations[clientId] = existing.WithDisabled(disabled, _timeProvider.GetUtcNow());
            return Task.FromResult(StoreWriteResult.Success);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_registrations.Remove(clientId));
        }
    }
}
