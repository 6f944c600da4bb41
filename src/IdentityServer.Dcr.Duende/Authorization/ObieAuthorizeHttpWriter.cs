// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text;
using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Endpoints.Results;
using Duende.IdentityServer.Hosting;
using Duende.IdentityServer.ResponseHandling;
using Duende.IdentityServer.Services;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace IdentityServer.Dcr.Duende.Authorization;

/// <summary>
/// Duende's writer of authorize responses, with the errors of registered clients answered as the OBIE journey needs
/// them (OIDC Core §3.1.2.6, RFC 6749 §4.1.2.1): an error found after the verified request object named a registered
/// redirect URI goes there, with the request object's <c>state</c> (in the fragment for <c>code id_token</c>),
/// whatever its code; any other error is a page of the bank (<c>400</c>), never a redirect. Duende itself redirects only
/// a few "safe" errors and sends the others to its error page URL.
/// </summary>
public sealed class ObieAuthorizeHttpWriter : IHttpResponseWriter<AuthorizeResult>
{
    private readonly IHttpResponseWriter<AuthorizeResult> _inner;
    private readonly IPushedAuthorizationService _pushed;
    private readonly IdentityServerOptions _options;

    /// <summary>Creates the writer.</summary>
    /// <param name="inner">Duende's writer (successes and other clients).</param>
    /// <param name="pushed">Duende's pushed requests (a used <c>request_uri</c> is consumed, as Duende does).</param>
    /// <param name="options">Duende's options (issuer identification in the response).</param>
    public ObieAuthorizeHttpWriter(IHttpResponseWriter<AuthorizeResult> inner, IPushedAuthorizationService pushed, IdentityServerOptions options)
    {
        _inner = inner;
        _pushed = pushed;
        _options = options;
    }

    /// <inheritdoc />
    public async Task WriteHttpResponse(AuthorizeResult result, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        var response = result.Response;
        if (!response.IsError || response.Request is not { } request || !request.Client.IsObieRegistered())
        {
            await _inner.WriteHttpResponse(result, context).ConfigureAwait(false);
            return;
        }

        if (!string.IsNullOrEmpty(request.PushedAuthorizationReferenceValue))
        {
            await _pushed.ConsumeAsync(request.PushedAuthorizationReferenceValue).ConfigureAwait(false);
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!string.IsNullOrEmpty(request.RedirectUri))
        {
            context.Response.Redirect(ErrorRedirect(response, request.RedirectUri));
            return;
        }

        await WriteErrorPageAsync(context, response.Error, response.ErrorDescription).ConfigureAwait(false);
    }

    private string ErrorRedirect(AuthorizeResponse response, string redirectUri)
    {
        var parameters = new List<KeyValuePair<string, string?>> { new("error", response.Error) };
        if (!string.IsNullOrEmpty(response.ErrorDescription))
        {
            parameters.Add(new("error_description", response.ErrorDescription));
        }

        if (!string.IsNullOrEmpty(response.Request.State))
        {
            parameters.Add(new("state", response.Request.State));
        }

        if (_options.EmitIssuerIdentificationResponseParameter && !string.IsNullOrEmpty(response.Request.IssuerName))
        {
            parameters.Add(new("iss", response.Request.IssuerName));
        }

        if (response.Request.ResponseMode == "query")
        {
            return QueryHelpers.AddQueryString(redirectUri, parameters);
        }

        var fragment = QueryHelpers.AddQueryString(string.Empty, parameters)[1..];
        return redirectUri + "#" + fragment;
    }

    /// <summary>The bank's error page: the OAuth error and its description, plain HTML, not framable, not cached.</summary>
    private static Task WriteErrorPageAsync(HttpContext context, string error, string? description)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization request refused</title></head><body><main>")
            .Append("<h1>The authorization request cannot be processed</h1>")
            .Append("<p>Error: <code id=\"error\">").Append(WebUtility.HtmlEncode(error)).Append("</code></p>");
        if (!string.IsNullOrEmpty(description))
        {
            html.Append("<p id=\"error_description\">").Append(WebUtility.HtmlEncode(description)).Append("</p>");
        }

        html.Append("<p>Return to the application you came from and try again.</p></main></body></html>");
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }
}
