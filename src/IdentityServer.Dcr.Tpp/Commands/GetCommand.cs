// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Tpp.Http;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary><c>obie-tpp get</c>: <c>GET {registration_endpoint}/{ClientId}</c>; prints and saves the registration.</summary>
internal sealed class GetCommand(TppContext context)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task RunAsync(ClientOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var session = await ClientSession.OpenAsync(context, options.Bank, options.RegistrationEndpoint, options.TokenEndpoint, ct);
        context.Console.Step($"GET {session.ClientUrl}");
        var response = await session.Client.SendAsync(HttpMethod.Get, session.ClientUrl, null, session.Authorization, ct);
        var registration = response.IsSuccess ? response.Json : null;
        if (registration is null)
        {
            throw response.IsSuccess
                ? new TppException($"GET {session.ClientUrl} answered {response.StatusText} without a JSON object.")
                : response.Failure("reading the registration");
        }

        session.State.Registration = registration;
        context.Store.Save(session.State);
        context.Console.Step($"{response.StatusText}: the registration of client {session.State.ClientId} (saved to {context.Store.StatePath})");
        context.Console.Out.WriteLine(Redactor.Json(registration).ToJsonString(Indented));
    }
}
