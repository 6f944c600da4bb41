// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr;

// The management endpoints (read, update, delete) and their access tokens, as the ASP.NET Core endpoints and the
// plug-ins' access-token validators answer them.
public static partial class DcrErrorDescriptions
{
    /// <summary>A management request without a bearer access token (<c>401</c>, no error code).</summary>
    public const string ManagementTokenRequired = "A bearer access token obtained with the client credentials grant is required.";

    /// <summary>The access token's client is not registered, and the token was revoked (<c>invalid_token</c>).</summary>
    public const string ClientNotRegisteredTokenRevoked = "The client is not registered; the access token has been revoked.";

    /// <summary>The access token's client, or the client of the path, is not registered (<c>invalid_token</c>).</summary>
    public const string ClientNotRegistered = "The client is not registered.";

    /// <summary>The access token was issued to another client than the one of the path.</summary>
    public const string TokenNotForClient = "The access token was not issued to this client.";

    /// <summary>The access token names no client (<c>invalid_token</c>).</summary>
    public const string TokenNamesNoClient = "The access token names no client.";

    /// <summary>Duende: the access token does not validate, or its client is gone (<c>invalid_token</c>).</summary>
    public const string TokenNotValidOrClientGone = "The access token is not valid, has expired, or its client no longer exists.";

    /// <summary>Duende: the access token is on the adapter's revocation list (<c>invalid_token</c>).</summary>
    public const string TokenRevoked = "The access token has been revoked.";

    /// <summary>Duende: the access token's <c>cnf</c> does not name the presented certificate (<c>invalid_token</c>).</summary>
    public const string TokenBoundElsewhere =
        "The access token is bound to another certificate, or by a confirmation method this endpoint cannot verify.";

    /// <summary>OpenIddict: the access token does not validate or was revoked (<c>invalid_token</c>).</summary>
    public const string TokenNotValidOrRevoked = "The access token is not valid, has expired or was revoked.";

    /// <summary>OpenIddict: the access token's <c>cnf</c> does not name the presented certificate (<c>invalid_token</c>).</summary>
    public const string TokenNotBoundToCertificate = "The access token is not bound to the presented certificate.";
}
