// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Authorization;

/// <summary>
/// The OBIE / FAPI 1 Advanced rules of an authorization request by a registered client, for both plug-ins: a signed
/// request object is required and is the only source of the request's parameters; it is signed with the registered
/// <c>request_object_signing_alg</c> by a key of the TPP's JWKS; its claims (<c>iss</c>, <c>aud</c>, <c>exp</c>,
/// <c>nbf</c>, <c>client_id</c>) are checked; <c>redirect_uri</c>, <c>response_type</c>, <c>scope</c> and the grant
/// must be registered; PKCE <c>S256</c> where required; the intent it names must be this client's and await
/// authorisation; and an essential <c>acr</c> must be one the bank's sign-in delivers. A disabled client is refused
/// first.
/// </summary>
public interface IAuthorizationRequestValidator
{
    /// <summary>Validates the request object of an authorization (or pushed authorization) request.</summary>
    /// <param name="registration">The registered client named by the request.</param>
    /// <param name="request">The request as received.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The parameters to use, or the error and where it may be sent.</returns>
    /// <exception cref="DcrInfrastructureException">The TPP's JWKS host or the intent store cannot be reached.</exception>
    Task<AuthorizationRequestResult> ValidateAsync(ClientRegistration registration, AuthorizationRequest request, CancellationToken ct);
}

/// <summary>An authorization request as the endpoint received it.</summary>
public sealed class AuthorizationRequest
{
    /// <summary>The <c>request</c> parameter (the signed request object), if any.</summary>
    public string? RequestObject { get; init; }

    /// <summary>The parameters outside the request object (query or form), without <c>request</c>.</summary>
    public IReadOnlyDictionary<string, string?> OuterParameters { get; init; } = new Dictionary<string, string?>();

    /// <summary>The audiences the request object may name: the bank's issuer (with and without a trailing slash).</summary>
    public IReadOnlyCollection<string> Audiences { get; init; } = [];

    /// <summary>Whether this is a pushed authorization request (RFC 9126), where PKCE <c>S256</c> is always required.</summary>
    public bool Pushed { get; init; }
}

/// <summary>The outcome of <see cref="IAuthorizationRequestValidator.ValidateAsync"/>.</summary>
public sealed class AuthorizationRequestResult
{
    private AuthorizationRequestResult(
        IReadOnlyDictionary<string, string>? parameters,
        string? intentId,
        string? acr,
        DcrError? error,
        string? redirectUri,
        string? state)
    {
        Parameters = parameters;
        IntentId = intentId;
        Acr = acr;
        Error = error;
        RedirectUri = redirectUri;
        State = state;
    }

    /// <summary>
    /// The request's parameters, all from the request object (JWT claims such as <c>iss</c>, <c>aud</c>, <c>exp</c>
    /// removed; non-string values as JSON text), when valid.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; }

    /// <summary>The <c>openbanking_intent_id</c> the request object names, when it names one.</summary>
    public string? IntentId { get; }

    /// <summary>
    /// The <c>acr</c> the grant's ID tokens carry, when the request object asks for one (<c>claims.id_token.acr</c> or
    /// <c>claims.userinfo.acr</c>): the first of <see cref="Configuration.AuthorizationOptions.AcrValues"/> it accepts.
    /// </summary>
    public string? Acr { get; }

    /// <summary>Why the request is refused.</summary>
    public DcrError? Error { get; }

    /// <summary>
    /// Where the error may be sent: the registered redirect URI the verified request object names. <see langword="null"/>
    /// when the error must be shown to the user instead (RFC 6749 §4.1.2.1: no trusted redirect URI).
    /// </summary>
    public string? RedirectUri { get; }

    /// <summary>The <c>state</c> of the verified request object, to return with a redirected error.</summary>
    public string? State { get; }

    /// <summary>Whether the request may go on.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Parameters))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>A valid request.</summary>
    /// <param name="parameters">The parameters to use.</param>
    /// <param name="intentId">The intent named, if any.</param>
    /// <param name="acr">The <c>acr</c> to assert, when one was asked for.</param>
    /// <returns>The result.</returns>
    public static AuthorizationRequestResult Success(IReadOnlyDictionary<string, string> parameters, string? intentId, string? acr = null)
        => new(parameters, intentId, acr, null, null, null);

    /// <summary>A refused request.</summary>
    /// <param name="error">The OAuth error.</param>
    /// <param name="redirectUri">The trusted redirect URI, when the error may be sent there.</param>
    /// <param name="state">The state to return with it.</param>
    /// <returns>The result.</returns>
    public static AuthorizationRequestResult Failure(DcrError error, string? redirectUri = null, string? state = null)
        => new(null, null, null, error, redirectUri, state);
}

/// <summary>The OAuth error codes of the authorization endpoint (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6, JAR §6).</summary>
public static class AuthorizationErrors
{
    /// <summary><c>invalid_request</c>.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary><c>invalid_request_object</c>.</summary>
    public const string InvalidRequestObject = "invalid_request_object";

    /// <summary><c>unauthorized_client</c>.</summary>
    public const string UnauthorizedClient = "unauthorized_client";

    /// <summary><c>unsupported_response_type</c>.</summary>
    public const string UnsupportedResponseType = "unsupported_response_type";

    /// <summary><c>invalid_scope</c>.</summary>
    public const string InvalidScope = "invalid_scope";

    /// <summary><c>access_denied</c>.</summary>
    public const string AccessDenied = "access_denied";
}
