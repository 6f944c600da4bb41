// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The catalogue of <see cref="JwksLookupResult.Reason"/> texts, fit for an <c>error_description</c>: they name
/// the rule that failed, never echo content from the remote host, and hold no secrets.
/// </summary>
internal static class JwksReasons
{
    public const string NotAbsolute = "The JWKS URL is not an absolute URL.";
    public const string InvalidHost = "The JWKS URL's host is not a valid internationalised domain name.";
    public const string HttpsRequired = "The JWKS URL must use https.";
    public const string HttpOrHttpsRequired = "The JWKS URL must use https or http.";
    public const string UserInfoNotAllowed = "The JWKS URL must not contain user information.";
    public const string HostNotAllowed = "The JWKS host is not in the list of allowed hosts.";
    public const string NonPublicAddress = "The JWKS host does not resolve to a public address.";
    public const string TooLarge = "The JWKS document is larger than the accepted size.";
    public const string NotJsonContentType = "The JWKS endpoint did not answer with a JSON media type.";
    public const string NotJson = "The JWKS document is not valid JSON.";
    public const string NotKeySet = "The JWKS document is not a JSON object with a 'keys' array.";
    public const string KeyNotFound = "The JWKS holds no usable signing key with the requested 'kid'.";
    public const string NoSingleKey = "The JWS has no 'kid' and the JWKS does not hold exactly one usable signing key for its algorithm; name the "
        + "key with 'kid'.";

    public static string Status(int statusCode) => statusCode is >= 300 and < 400
        ? string.Create(CultureInfo.InvariantCulture, $"The JWKS endpoint answered with a redirect (HTTP {statusCode}); redirects are not followed.")
        : string.Create(CultureInfo.InvariantCulture, $"The JWKS endpoint answered HTTP {statusCode}.");
}
