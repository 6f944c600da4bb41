// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Tpp.Authorization;
using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp authorize</c>: builds the signed request object for the saved consent (FAPI 1 Advanced, OBIE Security
/// Profile), pushes it to the bank's pushed authorization request endpoint with the registered client
/// authentication over mutual TLS (or sends it by value), and prints the authorization URL to open in a browser.
/// Saves <c>state</c>, <c>nonce</c> and the PKCE verifier for <c>exchange</c>.
/// </summary>
internal sealed class AuthorizeCommand(TppContext context)
{
    public async Task<Uri> RunAsync(AuthorizeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = context.Store.Load();
        var clientId = state.ClientId ?? throw new TppException("no client_id: run 'obie-tpp register' first.");
        var consentId = options.ConsentId
            ?? state.ConsentId
            ?? throw new TppException("no consent: run 'obie-tpp consent' first, or pass --consent ID.");
        var responseType = RequestObjectBuilder.NormaliseResponseType(options.ResponseType ?? DefaultResponseType(state));
        var redirectUri = ResolveRedirectUri(options.RedirectUri, state);
        var scope = options.Scope ?? AuthorizeOptions.DefaultScope;
        WarnIfNotRegistered(state, responseType, scope);
        using var key = context.LoadSigningKey(state);
        CheckRequestObjectAlgorithm(state, key);

        using var certificate = context.LoadTransportCertificate(state);
        using var client = context.CreateClient(certificate);
        var bank = TppContext.ResolveBank(options.Bank, state.Bank);
        var discovery = await DiscoveryDocument.TryFetchAsync(client, bank, context.Console, ct)
            ?? throw new TppException(
                $"{bank} publishes no discovery document: the authorization journey needs its issuer and authorization_endpoint.");
        var issuer = discovery.Issuer ?? throw new TppException("the discovery document has no issuer (the request object's aud).");
        var authorizationEndpoint = TppContext.ParseUrl(
            discovery.AuthorizationEndpoint ?? throw new TppException("the discovery document has no authorization_endpoint."),
            "the discovery document's authorization_endpoint");
        var parEndpoint = discovery.PushedAuthorizationRequestEndpoint is { } par
            ? TppContext.ParseUrl(par, "the discovery document's pushed_authorization_request_endpoint")
            : null;
        var push = options.Push ?? parEndpoint is not null;
        if (push && parEndpoint is null)
        {
            throw new TppException("the bank publishes no pushed_authorization_request_endpoint: send the request object by value with --no-par.");
        }

        // FAPI: PKCE S256 for every pushed request and for the code flow; the hybrid by value is protected by its nonce and c_hash.
        var verifier = push || responseType == RequestObjectBuilder.Code ? Pkce.CreateVerifier() : null;
        var request = new AuthorizationRequest
        {
            ClientId = clientId,
            Audience = issuer,
            ResponseType = responseType,
            RedirectUri = redirectUri,
            Scope = scope,
            State = RequestObjectBuilder.RandomValue(),
            Nonce = RequestObjectBuilder.RandomValue(),
            ConsentId = consentId,
            CodeChallenge = verifier is null ? null : Pkce.Challenge(verifier),
        };
        var now = context.Time.GetUtcNow();
        var claims = RequestObjectBuilder.BuildClaims(request, now);
        context.Console.Step($"Signing the request object ({key.Algorithm}, kid {key.KeyId}) for consent {consentId}");
        RegisterCommand.Describe(context.Console, claims);
        var requestObject = key.Sign(claims);

        var url = push
            ? await PushAsync(client, state, parEndpoint!, authorizationEndpoint, clientId, requestObject, ct)
            : RequestObjectBuilder.ByValueUrl(authorizationEndpoint, clientId, responseType, scope, requestObject);

        state.PendingAuthorization = new PendingAuthorization
        {
            State = request.State,
            Nonce = request.Nonce,
            CodeVerifier = verifier,
            ResponseType = responseType,
            RedirectUri = redirectUri,
            ConsentId = consentId,
            Scope = scope,
            CreatedAt = now.ToUnixTimeSeconds(),
        };
        state.Bank ??= bank.AbsoluteUri.TrimEnd('/');
        context.Store.Save(state);
        context.Console.Step(
            $"Saved state, nonce{(verifier is null ? "" : " and the PKCE code_verifier")} to {context.Store.StatePath}, for 'obie-tpp exchange'.");
        context.Console.Step(
            $"Open this URL in a browser, sign in as the customer and decide; then pass the URL the bank "
            + $"redirects to ({redirectUri}{(responseType == RequestObjectBuilder.Hybrid ? "#…" : "?…")}) to "
            + $"'obie-tpp exchange':");
        context.Console.Out.WriteLine(url.AbsoluteUri);
        return url;
    }

    private async Task<Uri> PushAsync(
        BankClient client,
        TppState state,
        Uri parEndpoint,
        Uri authorizationEndpoint,
        string clientId,
        string requestObject,
        CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>> { new("request", requestObject) };
        var (authorization, description) = ClientAuthentication.Apply(
            context,
            state,
            ClientAuthentication.Method(null, state),
            parEndpoint,
            form,
            withClientId: true);
        context.Console.Step($"Pushing the request object to {parEndpoint} ({description}, mutual TLS as {state.TransportSubjectDn})");
        var response = await client.SendAsync(HttpMethod.Post, parEndpoint, new FormUrlEncodedContent(form), authorization, ct);
        var json = response.IsSuccess ? response.Json : null;
        var requestUri = JsonFields.Text(json, "request_uri");
        if (requestUri is null)
        {
            throw response.IsSuccess
                ? new TppException($"POST {parEndpoint} answered {response.StatusText} without a request_uri.")
                : response.Failure("pushing the authorization request");
        }

        context.Console.Detail(
            $"{response.StatusText}: request_uri "
            + $"{requestUri}{(JsonFields.Number(json, "expires_in") is { } expires ? $", expires in {expires} s" : "")}");
        return RequestObjectBuilder.PushedUrl(authorizationEndpoint, clientId, requestUri);
    }

    /// <summary>The first registered response type the tool can use, else the OBIE hybrid.</summary>
    private static string DefaultResponseType(TppState state)
        => JsonFields.Texts(state.Registration, "response_types")?.FirstOrDefault(
            t => t is RequestObjectBuilder.Hybrid or RequestObjectBuilder.Code or "id_token code")
            ?? RequestObjectBuilder.Hybrid;

    private string ResolveRedirectUri(string? option, TppState state)
    {
        var registered = JsonFields.Texts(state.Registration, "redirect_uris") ?? [];
        if (option is null)
        {
            return registered.FirstOrDefault() ?? throw new TppException("the client has no registered redirect URI: pass --redirect-uri URL.");
        }

        if (!Uri.TryCreate(option, UriKind.Absolute, out _))
        {
            throw new TppException($"--redirect-uri '{option}' is not an absolute URL.");
        }

        if (registered.Count > 0 && !registered.Contains(option, StringComparer.Ordinal))
        {
            context.Console.Warn($"{option} is not a registered redirect URI ({string.Join(", ", registered)}); the bank will refuse it.");
        }

        return option;
    }

    private void WarnIfNotRegistered(TppState state, string responseType, string scope)
    {
        if (JsonFields.Texts(state.Registration, "response_types") is { } types
            && !types.Any(t => t.Split(' ').Order(StringComparer.Ordinal).SequenceEqual(responseType.Split(' ').Order(StringComparer.Ordinal))))
        {
            context.Console.Warn(
                $"the client registered the response types {string.Join(", ", types)}, not '{responseType}'; the bank will refuse it.");
        }

        if (JsonFields.Text(state.Registration, "scope") is { } registeredScope)
        {
            var missing = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Except(registeredScope.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal)
                .ToList();
            if (missing.Count > 0)
            {
                context.Console.Warn(
                    $"the client did not register the scope {string.Join(' ', missing)} (it registered "
                    + $"'{registeredScope}'); the bank will refuse it.");
            }
        }
    }

    /// <summary>The bank verifies the request object with the registered <c>request_object_signing_alg</c>: the software key must be of it.</summary>
    private static void CheckRequestObjectAlgorithm(TppState state, SoftwareKey key)
    {
        if (JsonFields.Text(state.Registration, "request_object_signing_alg") is { } registered && registered != key.Algorithm)
        {
            throw new TppException(
                $"the client registered request_object_signing_alg {registered}, but the software key signs "
                + $"{key.Algorithm}; register again with a key of {registered} ('obie-tpp init --alg {registered} "
                + $"--force', then enrol and register).");
        }
    }
}
