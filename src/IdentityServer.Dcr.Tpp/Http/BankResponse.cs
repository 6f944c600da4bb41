// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Tpp.Http;

/// <summary>A bank's answer, read whole.</summary>
internal sealed class BankResponse(HttpMethod method, Uri url, HttpStatusCode status, string? reason, string body, string? wwwAuthenticate)
{
    public HttpMethod Method { get; } = method;

    public Uri Url { get; } = url;

    public HttpStatusCode Status { get; } = status;

    public string Body { get; } = body;

    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401 or 403, if any.</summary>
    public string? WwwAuthenticate { get; } = wwwAuthenticate;

    /// <summary>The values the bank answered for the extra request headers that were sent (such as <c>x-fapi-interaction-id</c>).</summary>
    public IReadOnlyDictionary<string, string> EchoedHeaders { get; init; } = new Dictionary<string, string>();

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The status as <c>201 Created</c>.</summary>
    public string StatusText => $"{(int)Status} {reason ?? Status.ToString()}";

    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public JsonObject? Json
    {
        get
        {
            try
            {
                return Body.Length == 0 ? null : JsonNode.Parse(Body) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// The one-line cause of a failed call: the RFC 7591 / RFC 6749 <c>error</c> and <c>error_description</c> when
    /// the body has them, a plain statement that the endpoint does not exist for 404 and 405, and the
    /// <c>WWW-Authenticate</c> challenge for 401.
    /// </summary>
    public TppException Failure(string action)
    {
        var json = Json;
        var error = json?["error"] is JsonValue e && e.TryGetValue<string>(out var code) ? code : null;
        var description = json?["error_description"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : null;
        var where = $"{Method} {Url}";
        if (error is not null)
        {
            return new TppException($"{action} failed: {where} answered {StatusText}: {error}{(description is null ? "" : ": " + description)}");
        }

        return Status switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed =>
                new TppException(
                    $"{action} failed: {where} answered {StatusText}: the bank does not provide this endpoint (not implemented, or a wrong URL)."),
            HttpStatusCode.Unauthorized =>
                new TppException(
                    $"{action} failed: {where} answered "
                    + $"{StatusText}{(WwwAuthenticate is null ? "" : " (" + WwwAuthenticate + ")")}: the access "
                    + $"token was refused; run 'obie-tpp token' for a new one."),
            HttpStatusCode.Forbidden =>
                new TppException($"{action} failed: {where} answered {StatusText}: the client may not do this."),
            _ => new TppException($"{action} failed: {where} answered {StatusText}{Excerpt()}"),
        };
    }

    private string Excerpt()
    {
        var text = Body.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? "." : ": " + (text.Length > 200 ? text[..200] + "…" : text);
    }
}
