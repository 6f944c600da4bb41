// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp register</c>: discovers the registration endpoint, builds and signs the OBIE registration request, and
/// POSTs it over mutual TLS; saves the client the bank created.
/// </summary>
internal sealed class RegisterCommand(TppContext context)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<JsonObject> RunAsync(RegisterOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = context.Store;
        var state = store.Load();
        ImportFiles(options, state);
        var softwareStatement = state.SoftwareStatement
            ?? throw new TppException("no software statement: run 'obie-tpp sandbox enrol', or pass --ssa FILE.");
        using var key = context.LoadSigningKey(state);
        using var certificate = context.LoadTransportCertificate(state);
        var subjectDn = SubjectDnFormatter.Format(certificate.SubjectName);
        var bank = TppContext.ResolveBank(options.Bank, state.Bank);
        using var client = context.CreateClient(certificate);

        var (endpoint, discovery) = await EndpointResolver.ResolveRegistrationAsync(client, bank, options.RegistrationEndpoint, context.Console, ct);
        var audience = options.Audience ?? discovery?.Issuer ?? bank.AbsoluteUri.TrimEnd('/');
        var parameters = RegistrationPlanner.Plan(options, state, key, softwareStatement, audience, subjectDn, discovery, null, context.Console);
        var claims = RegistrationRequestBuilder.BuildClaims(parameters, context.Time.GetUtcNow());
        context.Console.Step($"Signing the registration request ({key.Algorithm}, kid {key.KeyId})");
        Describe(context.Console, claims);
        var jws = key.Sign(claims);

        context.Console.Step($"POST {endpoint} ({options.ContentType}, mutual TLS as {subjectDn})");
        var response = await client.SendAsync(HttpMethod.Post, endpoint, Body(jws, options.ContentType), null, ct);
        var registration = response.IsSuccess ? response.Json : null;
        if (registration is null)
        {
            throw response.IsSuccess
                ? new TppException($"POST {endpoint} answered {response.StatusText} without a JSON object.")
                : response.Failure("registration");
        }

        var clientId = JsonFields.Text(registration, "client_id")
            ?? throw new TppException($"POST {endpoint} answered {response.StatusText} without a client_id.");

        state.Bank = bank.AbsoluteUri.TrimEnd('/');
        state.Issuer = discovery?.Issuer;
        state.Audience = audience;
        state.RegistrationEndpoint = endpoint.AbsoluteUri;
        state.TokenEndpoint = options.TokenEndpoint ?? discovery?.TokenEndpoint ?? state.TokenEndpoint;
        state.TransportSubjectDn = subjectDn;
        state.ClientId = clientId;
        state.ClientSecret = JsonFields.Text(registration, "client_secret");
        state.TokenEndpointAuthMethod = JsonFields.Text(registration, "token_endpoint_auth_method") ?? parameters.TokenEndpointAuthMethod;
        state.Registration = registration;
        state.AccessToken = null;
        state.AccessTokenExpiresAt = null;
        store.Save(state);

        context.Console.Step($"Registered: {response.StatusText}, client_id {clientId} (saved to {store.StatePath})");
        context.Console.Out.WriteLine(Redactor.Json(registration).ToJsonString(Indented));
        return registration;
    }

    /// <summary>The request body: the compact JWS as is, with exactly the media type asked for (no charset).</summary>
    internal static StringContent Body(string jws, string contentType)
    {
        if (contentType is not ("application/jose" or "application/jwt" or "application/json"))
        {
            throw new TppException($"unsupported --content-type '{contentType}': use application/jose, application/jwt or application/json.");
        }

        var content = new StringContent(jws);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary>Takes an SSA and transport certificate given on the command line and remembers them.</summary>
    internal static void ImportFiles(RegisterOptions options, TppState state)
    {
        if (options.SoftwareStatementFile is not null)
        {
            try
            {
                state.SoftwareStatement = File.ReadAllText(options.SoftwareStatementFile).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TppException($"cannot read {options.SoftwareStatementFile}: {ex.Message}", ex);
            }
        }

        if ((options.TransportCertificateFile is null) != (options.TransportKeyFile is null))
        {
            throw new TppException("pass --transport-cert and --transport-key together.");
        }

        if (options.TransportCertificateFile is not null && options.TransportKeyFile is not null)
        {
            state.TransportCertificateFile = Path.GetFullPath(options.TransportCertificateFile);
            state.TransportKeyFile = Path.GetFullPath(options.TransportKeyFile);
        }
    }

    internal static void Describe(TppConsole console, JsonObject claims)
    {
        foreach (var (name, value) in claims)
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
            if (name == "software_statement" && text.Length > 40)
            {
                text = text[..40] + $"… ({text.Length} characters)";
            }

            console.Detail($"{name}: {text}");
        }
    }
}
