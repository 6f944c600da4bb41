// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary><c>obie-tpp delete</c>: <c>DELETE {registration_endpoint}/{ClientId}</c>; forgets the client on <c>204</c>.</summary>
internal sealed class DeleteCommand(TppContext context)
{
    public async Task RunAsync(ClientOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var session = await ClientSession.OpenAsync(context, options.Bank, options.RegistrationEndpoint, options.TokenEndpoint, ct);
        context.Console.Step($"DELETE {session.ClientUrl}");
        var response = await session.Client.SendAsync(HttpMethod.Delete, session.ClientUrl, null, session.Authorization, ct);
        if (!response.IsSuccess)
        {
            throw response.Failure("deleting the registration");
        }

        var state = session.State;
        var clientId = state.ClientId;
        state.ClientId = null;
        state.ClientSecret = null;
        state.Registration = null;
        state.AccessToken = null;
        state.AccessTokenExpiresAt = null;
        context.Store.Save(state);
        context.Console.Step($"{response.StatusText}: client {clientId} deleted; the state keeps the software key, SSA and transport certificate.");
    }
}
