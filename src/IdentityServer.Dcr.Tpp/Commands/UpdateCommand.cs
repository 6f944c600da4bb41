// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Registration;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp update</c>: <c>PUT {registration_endpoint}/{ClientId}</c> with the full signed request again (DCR 3.3:
/// "This must include all the claims - including ones that will not be modified"), the registered values changed
/// only where an option says so.
/// </summary>
internal sealed class UpdateCommand(TppContext context)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task RunAsync(RegisterOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var preview = context.Store.Load();
        RegisterCommand.ImportFiles(options, preview);
        context.Store.Save(preview);

        using var session = await ClientSession.OpenAsync(context, options.Bank, options.RegistrationEndpoint, options.TokenEndpoint, ct);
        var state = session.State;
        var softwareStatement = state.SoftwareStatement
            ?? throw new TppException("no software statement: run 'obie-tpp sandbox enrol', or pass --ssa FILE.");
        using var key = context.LoadSigningKey(state);
        var audience = options.Audience ?? state.Audience ?? TppContext.ResolveBank(options.Bank, state.Bank).AbsoluteUri.TrimEnd('/');
        var parameters = RegistrationPlanner.Plan(
            options,
            state,
            key,
            softwareStatement,
            audience,
            SubjectDnFormatter.Format(session.Certificate.SubjectName),
            null,
            state.Registration,
            context.Console)
            with { ClientId = state.ClientId };
        var claims = RegistrationRequestBuilder.BuildClaims(parameters, context.Time.GetUtcNow());
        context.Console.Step($"Signing the update request ({key.Algorithm}, kid {key.KeyId})");
        RegisterCommand.Describe(context.Console, claims);

        context.Console.Step($"PUT {session.ClientUrl} ({options.ContentType})");
        var response = await session.Client.SendAsync(
            HttpMethod.Put,
            session.ClientUrl,
            RegisterCommand.Body(key.Sign(claims), options.ContentType),
            session.Authorization,
            ct);
        var registration = response.IsSuccess ? response.Json : null;
        if (registration is null)
        {
            throw response.IsSuccess
                ? new TppException($"PUT {session.ClientUrl} answered {response.StatusText} without a JSON object.")
                : response.Failure("updating the registration");
        }

        state.Registration = registration;
        state.TokenEndpointAuthMethod = JsonFields.Text(registration, "token_endpoint_auth_method") ?? parameters.TokenEndpointAuthMethod;
        state.ClientSecret = JsonFields.Text(registration, "client_secret") ?? state.ClientSecret;
        state.Audience = audience;
        context.Store.Save(state);
        context.Console.Step($"Updated: {response.StatusText}, client {state.ClientId} (saved to {context.Store.StatePath})");
        context.Console.Out.WriteLine(Redactor.Json(registration).ToJsonString(Indented));
    }
}
