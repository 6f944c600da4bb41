// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Models;
using Duende.IdentityServer.Stores;

namespace IdentityServer.Dcr.Duende.Stores;

/// <summary>
/// Duende's client store, read once per client and request: a registered TPP's token request needs its client in
/// Duende's secret validation, in the plug-in's method check and in its key lookup, and Duende's EF Core store reads
/// the client and its child collections from the database every time. Scoped to the request, so nothing outlives it;
/// a client that is not found is not remembered (one created later in the same request is found).
/// </summary>
internal sealed class RequestClientStore(IClientStore inner) : IClientStore
{
    private readonly Dictionary<string, Client> _found = new(StringComparer.Ordinal);

    public async Task<Client?> FindClientByIdAsync(string clientId)
    {
        if (_found.TryGetValue(clientId, out var client))
        {
            return client;
        }

        client = await inner.FindClientByIdAsync(clientId).ConfigureAwait(false);
        if (client is not null)
        {
            _found[clientId] = client;
        }

        return client;
    }
}
