// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Authorization;
using IdentityServer.Dcr.Tpp.Http;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp exchange &lt;URL&gt;</c>: reads the bank's answer at the redirect URI, checks it answers the saved
/// request (<c>state</c>), verifies the front-channel ID token (signature with the bank's JWKS, <c>iss</c>,
/// <c>aud</c>, <c>nonce</c>, <c>exp</c>, <c>c_hash</c>, <c>s_hash</c>, <c>openbanking_intent_id</c>), exchanges the
/// code at the token endpoint with the registered client authentication over mutual TLS (and the PKCE verifier),
/// verifies the back-channel ID token and saves the tokens.
/// </summary>
internal sealed class ExchangeCommand(TppContext context)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<JsonObject> RunAsync(ExchangeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = context.Store.Load();
        var clientId = state.ClientId ?? throw new TppException("no client_id: run 'obie-tpp register' first.");
        var pending = state.PendingAuthorization
            ?? throw new TppException("no authorization in progress: run 'obie-tpp authorize' first (each of its URLs can be exchanged once).");
        var response = AuthorizationResponse.Parse(options.RedirectedUrl);
        CheckAnswersTheRequest(response, pending);

        // The state matched: this is the bank's answer to the saved request, which is now spent whatever it says.
        if (response.Error is { } error)
        {
            state.PendingAuthorization = null;
            if (error == "access_denied")
            {
                state.ConsentStatus = "Rejected or not authorisable";
            }

            context.Store.Save(state);
            var detail = response.ErrorDescription is { } d ? ": " + d : "";
            var hint = error == "access_denied"
                ? " (the customer rejected the consent, or it can no longer be authorised: create another with 'obie-tpp consent')"
                : "";
            throw new TppException($"the bank refused the authorization: {error}{detail}{hint}.");
        }

        var code = response.Code ?? throw new TppException("the response has no code (and no error): it is not an authorization response.");
        var hybrid = pending.ResponseType == RequestObjectBuilder.Hybrid;
        if (hybrid && response.IdToken is null)
        {
            throw new TppException(
                "the response has no id_token: a 'code id_token' response carries one in the fragment (copy the whole URL, with its #…).");
        }

        using var certificate = context.LoadTransportCertificate(state);
        using var client = context.CreateClient(certificate);
        var bank = TppContext.ResolveBank(options.Bank, state.Bank);
        var discovery = await DiscoveryDocument.TryFetchAsync(client, bank, context.Console, ct)
            ?? throw new TppException($"{bank} publishes no discovery document: the ID token cannot be verified without its issuer and jwks_uri.");
        var issuer = discovery.Issuer ?? throw new TppException("the discovery document has no issuer.");
        if (response.Issuer is { } responseIssuer && responseIssuer != issuer)
        {
            throw new TppException(
                $"the response comes from the issuer '{responseIssuer}', not '{issuer}' (RFC 9207: a mix-up); nothing was exchanged.");
        }

        var jwks = await FetchJwksAsync(client, discovery, ct);
        var algorithm = JsonFields.Text(state.Registration, "id_token_signed_response_alg");
        var expected = new IdTokenExpectations
        {
            Issuer = issuer,
            ClientId = clientId,
            Nonce = pending.Nonce,
            ConsentId = pending.ConsentId,
            Now = context.Time.GetUtcNow(),
            Algorithm = algorithm,
        };
        VerifiedIdToken? front = null;
        if (response.IdToken is { } frontToken)
        {
            front = IdTokenVerifier.Verify(frontToken, jwks, expected with { Code = code, State = response.State }, "the front-channel ID token");
            context.Console.Step(
                $"Front-channel ID token verified "
                + $"({front.Algorithm}{(front.KeyId is null ? "" : ", kid " + front.KeyId)}): iss, aud, nonce, exp, "
                + $"c_hash, s_hash");
            context.Console.Detail($"sub: {front.Subject}");
            context.Console.Detail($"openbanking_intent_id: {front.IntentId}");
        }

        var tokenEndpoint = TppContext.ParseUrl(
            options.TokenEndpoint
                ?? discovery.TokenEndpoint
                ?? state.TokenEndpoint
                ?? throw new TppException("no token endpoint: pass --token-endpoint URL."),
            "the token endpoint");
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", pending.RedirectUri),
        };
        if (pending.CodeVerifier is not null)
        {
            form.Add(new("code_verifier", pending.CodeVerifier));
        }

        var (authorization, description) = ClientAuthentication.Apply(
            context,
            state,
            ClientAuthentication.Method(null, state),
            tokenEndpoint,
            form,
            withClientId: true);
        context.Console.Step(
            $"Exchanging the code at {tokenEndpoint} "
            + $"(authorization_code{(pending.CodeVerifier is null ? "" : " with the PKCE code_verifier")}, "
            + $"{description}, mutual TLS)");
        var answer = await client.SendAsync(HttpMethod.Post, tokenEndpoint, new FormUrlEncodedContent(form), authorization, ct);

        // The bank has seen the code: single use, so the request is spent whatever it answered.
        state.PendingAuthorization = null;
        context.Store.Save(state);
        var tokens = answer.IsSuccess ? answer.Json : null;
        var accessToken = JsonFields.Text(tokens, "access_token");
        if (tokens is null || accessToken is null)
        {
            throw answer.IsSuccess
                ? new TppException($"POST {tokenEndpoint} answered {answer.StatusText} without an access_token.")
                : answer.Failure("the code exchange");
        }

        VerifiedIdToken? back = null;
        if (JsonFields.Text(tokens, "id_token") is { } backToken)
        {
            back = IdTokenVerifier.Verify(
                backToken,
                jwks,
                expected with { Now = context.Time.GetUtcNow(), AccessToken = accessToken, Subject = front?.Subject },
                "the token endpoint's ID token");
            context.Console.Step(
                $"Token endpoint's ID token verified ({back.Algorithm}): iss, aud, nonce, exp, "
                + $"sub{(front is null ? "" : " (the front channel's)")}, openbanking_intent_id {back.IntentId}");
        }
        else if ((pending.Scope ?? "").Split(' ').Contains("openid", StringComparer.Ordinal))
        {
            throw new TppException($"POST {tokenEndpoint} answered {answer.StatusText} without an id_token, though the scope had openid.");
        }

        var expiresIn = JsonFields.Number(tokens, "expires_in");
        state.AuthorizationTokens = new AuthorizationTokens
        {
            ConsentId = pending.ConsentId,
            AccessToken = accessToken,
            AccessTokenExpiresAt = expiresIn is { } seconds ? context.Time.GetUtcNow().ToUnixTimeSeconds() + seconds : null,
            RefreshToken = JsonFields.Text(tokens, "refresh_token"),
            IdToken = JsonFields.Text(tokens, "id_token"),
            Scope = JsonFields.Text(tokens, "scope"),
            Subject = back?.Subject ?? front?.Subject,
        };
        if (pending.ConsentId == state.ConsentId)
        {
            state.ConsentStatus = "Authorised";
        }

        context.Store.Save(state);
        context.Console.Step($"{answer.StatusText}: tokens for consent {pending.ConsentId} (saved to {context.Store.StatePath})");
        context.Console.Out.WriteLine(Redactor.Json(tokens).ToJsonString(Indented));
        return tokens;
    }

    /// <summary>The answer must come back to the redirect URI the request named, with the request's state.</summary>
    internal static void CheckAnswersTheRequest(AuthorizationResponse response, PendingAuthorization pending)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(pending);
        if (response.RedirectUri is { } at && Uri.TryCreate(pending.RedirectUri, UriKind.Absolute, out var expected)
            && at.AbsoluteUri != new Uri(expected.GetLeftPart(UriPartial.Path)).AbsoluteUri)
        {
            throw new TppException(
                $"the URL is at {at.AbsoluteUri}, not at the redirect URI of the request ({pending.RedirectUri}); nothing was exchanged.");
        }

        if (response.State is not { } received)
        {
            throw new TppException(
                $"the response has no state{(response.Error is { } e ? $" (it says {e})" : "")}: it is not the "
                + $"answer to the request 'obie-tpp authorize' made; nothing was exchanged.");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(received), Encoding.UTF8.GetBytes(pending.State)))
        {
            throw new TppException(
                "the response's state is not the one 'obie-tpp authorize' saved: a forged or stale redirect "
                + "(CSRF), or an older authorization; nothing was exchanged.");
        }

        var expectFragment = pending.ResponseType == RequestObjectBuilder.Hybrid;
        if (response.RedirectUri is not null && response.FromFragment != expectFragment)
        {
            throw new TppException(
                $"the response is in the {(response.FromFragment ? "fragment" : "query")}, but a "
                + $"'{pending.ResponseType}' response comes in the {(expectFragment ? "fragment" : "query")}; "
                + $"nothing was exchanged.");
        }
    }

    private async Task<JsonObject> FetchJwksAsync(BankClient client, DiscoveryDocument discovery, CancellationToken ct)
    {
        var jwksUri = TppContext.ParseUrl(
            discovery.JwksUri ?? throw new TppException("the discovery document has no jwks_uri: the ID token cannot be verified."),
            "the discovery document's jwks_uri");
        context.Console.Step($"Reading the bank's signing keys at {jwksUri}");
        var response = await client.SendAsync(HttpMethod.Get, jwksUri, null, null, ct);
        var jwks = response.IsSuccess ? response.Json : null;
        return jwks?["keys"] is JsonArray
            ? jwks
            : throw (
                response.IsSuccess
                    ? new TppException($"GET {jwksUri} answered {response.StatusText} without a JWKS.")
                    : response.Failure("reading the bank's JWKS"));
    }
}
