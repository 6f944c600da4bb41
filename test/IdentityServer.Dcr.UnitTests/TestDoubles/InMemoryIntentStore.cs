// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using IdentityServer.Dcr.Authorization;

namespace IdentityServer.Dcr.UnitTests.TestDoubles;

/// <summary>Intents in a dictionary, for the validator's tests.</summary>
internal sealed class InMemoryIntentStore : IIntentStore
{
    private readonly ConcurrentDictionary<string, AuthorizationIntent> _intents = new(StringComparer.Ordinal);

    public AuthorizationIntent Add(string clientId, IntentStatus status = IntentStatus.AwaitingAuthorisation, DateTimeOffset? expiresAt = null)
    {
        var intent = new AuthorizationIntent("urn-intent-" + Guid.NewGuid().ToString("N"), clientId, status, ["ReadAccountsBasic"], DateTimeOffset.UtcNow, expiresAt);
        _intents[intent.IntentId] = intent;
        return intent;
    }

    public Task<AuthorizationIntent?> FindAsync(string intentId, CancellationToken ct)
        => Task.FromResult(_intents.TryGetValue(intentId, out var intent) ? intent : null);

    public Task<bool> TrySettleAsync(string intentId, string clientId, bool authorised, string customerId, CancellationToken ct)
    {
        if (!_intents.TryGetValue(intentId, out var intent) || intent.ClientId != clientId || intent.Status != IntentStatus.AwaitingAuthorisation)
        {
            return Task.FromResult(false);
        }

        var settled = intent with { Status = authorised ? IntentStatus.Authorised : IntentStatus.Rejected };
        return Task.FromResult(_intents.TryUpdate(intentId, settled, intent));
    }
}
