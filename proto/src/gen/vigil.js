/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError, $TypeError = $util.global.TypeError, $Number = $util.global.Number, $String = $util.global.String, $parseInt = $util.global.parseInt, $Array = $util.global.Array, $BigInt = $util.global.BigInt, $isFinite = $util.global.isFinite, $Boolean = $util.global.Boolean;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const vigil = $root.vigil = (() => {

    /**
     * Namespace vigil.
     * @exports vigil
     * @namespace
     */
    const vigil = {};

    vigil.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof vigil
         * @namespace
         */
        const v1 = {};

        v1.Envelope = (function() {

            /**
             * Properties of an Envelope.
             * @typedef {Object} vigil.v1.Envelope.$Properties
             * @property {number|null} [version] Envelope version
             * @property {string|null} [sender] Envelope sender
             * @property {Uint8Array|null} [keyId] Envelope keyId
             * @property {Uint8Array|null} [wrappedKey] Envelope wrappedKey
             * @property {number|null} [sessionStart] Envelope sessionStart
             * @property {Uint8Array|null} [signature] Envelope signature
             * @property {number|null} [seq] Envelope seq
             * @property {Uint8Array|null} [iv] Envelope iv
             * @property {Uint8Array|null} [ciphertext] Envelope ciphertext
             * @property {Uint8Array|null} [tag] Envelope tag
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Envelope.
             * @memberof vigil.v1
             * @interface IEnvelope
             * @augments vigil.v1.Envelope.$Properties
             * @deprecated Use vigil.v1.Envelope.$Properties instead.
             */

            /**
             * Shape of an Envelope.
             * @typedef {vigil.v1.Envelope.$Properties} vigil.v1.Envelope.$Shape
             */

            /**
             * Constructs a new Envelope.
             * @memberof vigil.v1
             * @classdesc Represents an Envelope.
             * @constructor
             * @param {vigil.v1.Envelope.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Envelope = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Envelope version.
             * @member {number} version
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.version = 0;

            /**
             * Envelope sender.
             * @member {string} sender
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.sender = "";

            /**
             * Envelope keyId.
             * @member {Uint8Array} keyId
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.keyId = $util.newBuffer([]);

            /**
             * Envelope wrappedKey.
             * @member {Uint8Array} wrappedKey
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.wrappedKey = $util.newBuffer([]);

            /**
             * Envelope sessionStart.
             * @member {number} sessionStart
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.sessionStart = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Envelope signature.
             * @member {Uint8Array} signature
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.signature = $util.newBuffer([]);

            /**
             * Envelope seq.
             * @member {number} seq
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Envelope iv.
             * @member {Uint8Array} iv
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.iv = $util.newBuffer([]);

            /**
             * Envelope ciphertext.
             * @member {Uint8Array} ciphertext
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.ciphertext = $util.newBuffer([]);

            /**
             * Envelope tag.
             * @member {Uint8Array} tag
             * @memberof vigil.v1.Envelope
             * @instance
             */
            Envelope.prototype.tag = $util.newBuffer([]);

            /**
             * Creates a new Envelope instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Envelope
             * @static
             * @param {vigil.v1.Envelope.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Envelope} Envelope instance
             * @type {{
             *   (properties: vigil.v1.Envelope.$Shape): vigil.v1.Envelope & vigil.v1.Envelope.$Shape;
             *   (properties?: vigil.v1.Envelope.$Properties): vigil.v1.Envelope;
             * }}
             */
            Envelope.create = function(properties) {
                return new Envelope(properties);
            };

            /**
             * Encodes the specified Envelope message. Does not implicitly {@link vigil.v1.Envelope.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Envelope
             * @static
             * @param {vigil.v1.Envelope.$Properties} message Envelope message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Envelope.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.version);
                if (message.sender != null && $Object.hasOwnProperty.call(message, "sender") && message.sender !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.sender);
                if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId") && message.keyId.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.keyId);
                if (message.wrappedKey != null && $Object.hasOwnProperty.call(message, "wrappedKey") && message.wrappedKey.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.wrappedKey);
                if (message.sessionStart != null && $Object.hasOwnProperty.call(message, "sessionStart") && (typeof message.sessionStart === "object" ? message.sessionStart.low || message.sessionStart.high : message.sessionStart !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).int64(message.sessionStart);
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                    writer.uint32(/* id 6, wireType 2 =*/50).bytes(message.signature);
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && (typeof message.seq === "object" ? message.seq.low || message.seq.high : message.seq !== 0))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint64(message.seq);
                if (message.iv != null && $Object.hasOwnProperty.call(message, "iv") && message.iv.length)
                    writer.uint32(/* id 8, wireType 2 =*/66).bytes(message.iv);
                if (message.ciphertext != null && $Object.hasOwnProperty.call(message, "ciphertext") && message.ciphertext.length)
                    writer.uint32(/* id 9, wireType 2 =*/74).bytes(message.ciphertext);
                if (message.tag != null && $Object.hasOwnProperty.call(message, "tag") && message.tag.length)
                    writer.uint32(/* id 10, wireType 2 =*/82).bytes(message.tag);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Envelope message, length delimited. Does not implicitly {@link vigil.v1.Envelope.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Envelope
             * @static
             * @param {vigil.v1.Envelope.$Properties} message Envelope message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Envelope.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Envelope message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Envelope
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Envelope & vigil.v1.Envelope.$Shape} Envelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Envelope.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Envelope();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.version = value;
                            else
                                delete message.version;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.sender = value;
                            else
                                delete message.sender;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.keyId = value;
                            else
                                delete message.keyId;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.wrappedKey = value;
                            else
                                delete message.wrappedKey;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.sessionStart = value;
                            else
                                delete message.sessionStart;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.iv = value;
                            else
                                delete message.iv;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.ciphertext = value;
                            else
                                delete message.ciphertext;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.tag = value;
                            else
                                delete message.tag;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes an Envelope message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Envelope
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Envelope & vigil.v1.Envelope.$Shape} Envelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Envelope.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Envelope message.
             * @function verify
             * @memberof vigil.v1.Envelope
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Envelope.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
                    if (!$util.isInteger(message.version))
                        return "version: integer expected";
                if (message.sender != null && $Object.hasOwnProperty.call(message, "sender"))
                    if (!$util.isString(message.sender))
                        return "sender: string expected";
                if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId"))
                    if (!(message.keyId && typeof message.keyId.length === "number" || $util.isString(message.keyId)))
                        return "keyId: buffer expected";
                if (message.wrappedKey != null && $Object.hasOwnProperty.call(message, "wrappedKey"))
                    if (!(message.wrappedKey && typeof message.wrappedKey.length === "number" || $util.isString(message.wrappedKey)))
                        return "wrappedKey: buffer expected";
                if (message.sessionStart != null && $Object.hasOwnProperty.call(message, "sessionStart"))
                    if (!$util.isInteger(message.sessionStart) && !(message.sessionStart && $util.isInteger(message.sessionStart.low) && $util.isInteger(message.sessionStart.high)))
                        return "sessionStart: integer|Long expected";
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature"))
                    if (!(message.signature && typeof message.signature.length === "number" || $util.isString(message.signature)))
                        return "signature: buffer expected";
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq"))
                    if (!$util.isInteger(message.seq) && !(message.seq && $util.isInteger(message.seq.low) && $util.isInteger(message.seq.high)))
                        return "seq: integer|Long expected";
                if (message.iv != null && $Object.hasOwnProperty.call(message, "iv"))
                    if (!(message.iv && typeof message.iv.length === "number" || $util.isString(message.iv)))
                        return "iv: buffer expected";
                if (message.ciphertext != null && $Object.hasOwnProperty.call(message, "ciphertext"))
                    if (!(message.ciphertext && typeof message.ciphertext.length === "number" || $util.isString(message.ciphertext)))
                        return "ciphertext: buffer expected";
                if (message.tag != null && $Object.hasOwnProperty.call(message, "tag"))
                    if (!(message.tag && typeof message.tag.length === "number" || $util.isString(message.tag)))
                        return "tag: buffer expected";
                return null;
            };

            /**
             * Creates an Envelope message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Envelope
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Envelope} Envelope
             */
            Envelope.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Envelope)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Envelope: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Envelope();
                if (object.version != null)
                    if ($Number(object.version) !== 0)
                        message.version = object.version >>> 0;
                if (object.sender != null)
                    if (typeof object.sender !== "string" || object.sender.length)
                        message.sender = $String(object.sender);
                if (object.keyId != null)
                    if (object.keyId.length)
                        if (typeof object.keyId === "string")
                            $util.base64.decode(object.keyId, message.keyId = $util.newBuffer($util.base64.length(object.keyId)), 0);
                        else if (object.keyId.length >= 0)
                            message.keyId = object.keyId;
                if (object.wrappedKey != null)
                    if (object.wrappedKey.length)
                        if (typeof object.wrappedKey === "string")
                            $util.base64.decode(object.wrappedKey, message.wrappedKey = $util.newBuffer($util.base64.length(object.wrappedKey)), 0);
                        else if (object.wrappedKey.length >= 0)
                            message.wrappedKey = object.wrappedKey;
                if (object.sessionStart != null)
                    if (typeof object.sessionStart === "object" ? object.sessionStart.low || object.sessionStart.high : $Number(object.sessionStart) !== 0)
                        if ($util.Long)
                            message.sessionStart = $util.Long.fromValue(object.sessionStart, false);
                        else if (typeof object.sessionStart === "string")
                            message.sessionStart = $parseInt(object.sessionStart, 10);
                        else if (typeof object.sessionStart === "number")
                            message.sessionStart = object.sessionStart;
                        else if (typeof object.sessionStart === "object")
                            message.sessionStart = new $util.LongBits(object.sessionStart.low >>> 0, object.sessionStart.high >>> 0).toNumber();
                if (object.signature != null)
                    if (object.signature.length)
                        if (typeof object.signature === "string")
                            $util.base64.decode(object.signature, message.signature = $util.newBuffer($util.base64.length(object.signature)), 0);
                        else if (object.signature.length >= 0)
                            message.signature = object.signature;
                if (object.seq != null)
                    if (typeof object.seq === "object" ? object.seq.low || object.seq.high : $Number(object.seq) !== 0)
                        if ($util.Long)
                            message.seq = $util.Long.fromValue(object.seq, true);
                        else if (typeof object.seq === "string")
                            message.seq = $parseInt(object.seq, 10);
                        else if (typeof object.seq === "number")
                            message.seq = object.seq;
                        else if (typeof object.seq === "object")
                            message.seq = new $util.LongBits(object.seq.low >>> 0, object.seq.high >>> 0).toNumber(true);
                if (object.iv != null)
                    if (object.iv.length)
                        if (typeof object.iv === "string")
                            $util.base64.decode(object.iv, message.iv = $util.newBuffer($util.base64.length(object.iv)), 0);
                        else if (object.iv.length >= 0)
                            message.iv = object.iv;
                if (object.ciphertext != null)
                    if (object.ciphertext.length)
                        if (typeof object.ciphertext === "string")
                            $util.base64.decode(object.ciphertext, message.ciphertext = $util.newBuffer($util.base64.length(object.ciphertext)), 0);
                        else if (object.ciphertext.length >= 0)
                            message.ciphertext = object.ciphertext;
                if (object.tag != null)
                    if (object.tag.length)
                        if (typeof object.tag === "string")
                            $util.base64.decode(object.tag, message.tag = $util.newBuffer($util.base64.length(object.tag)), 0);
                        else if (object.tag.length >= 0)
                            message.tag = object.tag;
                return message;
            };

            /**
             * Creates a plain object from an Envelope message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Envelope
             * @static
             * @param {vigil.v1.Envelope} message Envelope
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Envelope.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.version = 0;
                    object.sender = "";
                    if (options.bytes === $String)
                        object.keyId = "";
                    else {
                        object.keyId = [];
                        if (options.bytes !== $Array)
                            object.keyId = $util.newBuffer(object.keyId);
                    }
                    if (options.bytes === $String)
                        object.wrappedKey = "";
                    else {
                        object.wrappedKey = [];
                        if (options.bytes !== $Array)
                            object.wrappedKey = $util.newBuffer(object.wrappedKey);
                    }
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.sessionStart = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.sessionStart = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if (options.bytes === $String)
                        object.signature = "";
                    else {
                        object.signature = [];
                        if (options.bytes !== $Array)
                            object.signature = $util.newBuffer(object.signature);
                    }
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.seq = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.seq = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if (options.bytes === $String)
                        object.iv = "";
                    else {
                        object.iv = [];
                        if (options.bytes !== $Array)
                            object.iv = $util.newBuffer(object.iv);
                    }
                    if (options.bytes === $String)
                        object.ciphertext = "";
                    else {
                        object.ciphertext = [];
                        if (options.bytes !== $Array)
                            object.ciphertext = $util.newBuffer(object.ciphertext);
                    }
                    if (options.bytes === $String)
                        object.tag = "";
                    else {
                        object.tag = [];
                        if (options.bytes !== $Array)
                            object.tag = $util.newBuffer(object.tag);
                    }
                }
                if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
                    object.version = message.version;
                if (message.sender != null && $Object.hasOwnProperty.call(message, "sender"))
                    object.sender = message.sender;
                if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId"))
                    object.keyId = options.bytes === $String ? $util.base64.encode(message.keyId, 0, message.keyId.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.keyId) : message.keyId;
                if (message.wrappedKey != null && $Object.hasOwnProperty.call(message, "wrappedKey"))
                    object.wrappedKey = options.bytes === $String ? $util.base64.encode(message.wrappedKey, 0, message.wrappedKey.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.wrappedKey) : message.wrappedKey;
                if (message.sessionStart != null && $Object.hasOwnProperty.call(message, "sessionStart"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.sessionStart = typeof message.sessionStart === "number" ? $BigInt(message.sessionStart) : $util.Long.fromBits(message.sessionStart.low >>> 0, message.sessionStart.high >>> 0, false).toBigInt();
                    else if (typeof message.sessionStart === "number")
                        object.sessionStart = options.longs === $String ? $String(message.sessionStart) : message.sessionStart;
                    else
                        object.sessionStart = options.longs === $String ? $util.Long.prototype.toString.call(message.sessionStart) : options.longs === $Number ? new $util.LongBits(message.sessionStart.low >>> 0, message.sessionStart.high >>> 0).toNumber() : message.sessionStart;
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature"))
                    object.signature = options.bytes === $String ? $util.base64.encode(message.signature, 0, message.signature.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.signature) : message.signature;
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.seq = typeof message.seq === "number" ? $BigInt(message.seq) : $util.Long.fromBits(message.seq.low >>> 0, message.seq.high >>> 0, true).toBigInt();
                    else if (typeof message.seq === "number")
                        object.seq = options.longs === $String ? $String(message.seq) : message.seq;
                    else
                        object.seq = options.longs === $String ? $util.Long.prototype.toString.call(message.seq) : options.longs === $Number ? new $util.LongBits(message.seq.low >>> 0, message.seq.high >>> 0).toNumber(true) : message.seq;
                if (message.iv != null && $Object.hasOwnProperty.call(message, "iv"))
                    object.iv = options.bytes === $String ? $util.base64.encode(message.iv, 0, message.iv.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.iv) : message.iv;
                if (message.ciphertext != null && $Object.hasOwnProperty.call(message, "ciphertext"))
                    object.ciphertext = options.bytes === $String ? $util.base64.encode(message.ciphertext, 0, message.ciphertext.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.ciphertext) : message.ciphertext;
                if (message.tag != null && $Object.hasOwnProperty.call(message, "tag"))
                    object.tag = options.bytes === $String ? $util.base64.encode(message.tag, 0, message.tag.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.tag) : message.tag;
                return object;
            };

            /**
             * Converts this Envelope to JSON.
             * @function toJSON
             * @memberof vigil.v1.Envelope
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Envelope.prototype.toJSON = function() {
                return Envelope.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Envelope
             * @function getTypeUrl
             * @memberof vigil.v1.Envelope
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Envelope.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Envelope";
            };

            return Envelope;
        })();

        v1.Payload = (function() {

            /**
             * Properties of a Payload.
             * @typedef {Object} vigil.v1.Payload.$Properties
             * @property {vigil.v1.Birth.$Properties|null} [birth] Payload birth
             * @property {vigil.v1.Death.$Properties|null} [death] Payload death
             * @property {vigil.v1.Heartbeat.$Properties|null} [heartbeat] Payload heartbeat
             * @property {vigil.v1.DataBatch.$Properties|null} [data] Payload data
             * @property {"birth"|"death"|"heartbeat"|"data"} [body] Payload body
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Payload.
             * @memberof vigil.v1
             * @interface IPayload
             * @augments vigil.v1.Payload.$Properties
             * @deprecated Use vigil.v1.Payload.$Properties instead.
             */

            /**
             * Narrowed shape of a Payload.
             * @typedef {{
             *   birth?: vigil.v1.Birth.$Shape|null;
             *   death?: vigil.v1.Death.$Shape|null;
             *   heartbeat?: vigil.v1.Heartbeat.$Shape|null;
             *   data?: vigil.v1.DataBatch.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ body?: undefined; birth?: null; death?: null; heartbeat?: null; data?: null }|{ body?: "birth"; birth: vigil.v1.Birth.$Shape; death?: null; heartbeat?: null; data?: null }|{ body?: "death"; birth?: null; death: vigil.v1.Death.$Shape; heartbeat?: null; data?: null }|{ body?: "heartbeat"; birth?: null; death?: null; heartbeat: vigil.v1.Heartbeat.$Shape; data?: null }|{ body?: "data"; birth?: null; death?: null; heartbeat?: null; data: vigil.v1.DataBatch.$Shape })
             * )} vigil.v1.Payload.$Shape
             */

            /**
             * Constructs a new Payload.
             * @memberof vigil.v1
             * @classdesc Represents a Payload.
             * @constructor
             * @param {vigil.v1.Payload.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Payload = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Payload birth.
             * @member {vigil.v1.Birth.$Properties|null|undefined} birth
             * @memberof vigil.v1.Payload
             * @instance
             */
            Payload.prototype.birth = null;

            /**
             * Payload death.
             * @member {vigil.v1.Death.$Properties|null|undefined} death
             * @memberof vigil.v1.Payload
             * @instance
             */
            Payload.prototype.death = null;

            /**
             * Payload heartbeat.
             * @member {vigil.v1.Heartbeat.$Properties|null|undefined} heartbeat
             * @memberof vigil.v1.Payload
             * @instance
             */
            Payload.prototype.heartbeat = null;

            /**
             * Payload data.
             * @member {vigil.v1.DataBatch.$Properties|null|undefined} data
             * @memberof vigil.v1.Payload
             * @instance
             */
            Payload.prototype.data = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * Payload body.
             * @member {"birth"|"death"|"heartbeat"|"data"|undefined} body
             * @memberof vigil.v1.Payload
             * @instance
             */
            $Object.defineProperty(Payload.prototype, "body", {
                get: $util.oneOfGetter($oneOfFields = ["birth", "death", "heartbeat", "data"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Payload instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Payload
             * @static
             * @param {vigil.v1.Payload.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Payload} Payload instance
             * @type {{
             *   (properties: vigil.v1.Payload.$Shape): vigil.v1.Payload & vigil.v1.Payload.$Shape;
             *   (properties?: vigil.v1.Payload.$Properties): vigil.v1.Payload;
             * }}
             */
            Payload.create = function(properties) {
                return new Payload(properties);
            };

            /**
             * Encodes the specified Payload message. Does not implicitly {@link vigil.v1.Payload.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Payload
             * @static
             * @param {vigil.v1.Payload.$Properties} message Payload message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Payload.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.birth != null && $Object.hasOwnProperty.call(message, "birth"))
                    $root.vigil.v1.Birth.encode(message.birth, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.death != null && $Object.hasOwnProperty.call(message, "death"))
                    $root.vigil.v1.Death.encode(message.death, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.heartbeat != null && $Object.hasOwnProperty.call(message, "heartbeat"))
                    $root.vigil.v1.Heartbeat.encode(message.heartbeat, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.data != null && $Object.hasOwnProperty.call(message, "data"))
                    $root.vigil.v1.DataBatch.encode(message.data, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Payload message, length delimited. Does not implicitly {@link vigil.v1.Payload.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Payload
             * @static
             * @param {vigil.v1.Payload.$Properties} message Payload message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Payload.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Payload message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Payload
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Payload & vigil.v1.Payload.$Shape} Payload
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Payload.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Payload();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.birth = $root.vigil.v1.Birth.decode(reader, reader.size(), $undefined, _depth + 1, message.birth);
                            message.body = "birth";
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            message.death = $root.vigil.v1.Death.decode(reader, reader.size(), $undefined, _depth + 1, message.death);
                            message.body = "death";
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.heartbeat = $root.vigil.v1.Heartbeat.decode(reader, reader.size(), $undefined, _depth + 1, message.heartbeat);
                            message.body = "heartbeat";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.data = $root.vigil.v1.DataBatch.decode(reader, reader.size(), $undefined, _depth + 1, message.data);
                            message.body = "data";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Payload message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Payload
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Payload & vigil.v1.Payload.$Shape} Payload
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Payload.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Payload message.
             * @function verify
             * @memberof vigil.v1.Payload
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Payload.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                let properties = {};
                if (message.birth != null && $Object.hasOwnProperty.call(message, "birth")) {
                    properties.body = 1;
                    {
                        let error = $root.vigil.v1.Birth.verify(message.birth, _depth + 1);
                        if (error)
                            return "birth." + error;
                    }
                }
                if (message.death != null && $Object.hasOwnProperty.call(message, "death")) {
                    if (properties.body === 1)
                        return "body: multiple values";
                    properties.body = 1;
                    {
                        let error = $root.vigil.v1.Death.verify(message.death, _depth + 1);
                        if (error)
                            return "death." + error;
                    }
                }
                if (message.heartbeat != null && $Object.hasOwnProperty.call(message, "heartbeat")) {
                    if (properties.body === 1)
                        return "body: multiple values";
                    properties.body = 1;
                    {
                        let error = $root.vigil.v1.Heartbeat.verify(message.heartbeat, _depth + 1);
                        if (error)
                            return "heartbeat." + error;
                    }
                }
                if (message.data != null && $Object.hasOwnProperty.call(message, "data")) {
                    if (properties.body === 1)
                        return "body: multiple values";
                    properties.body = 1;
                    {
                        let error = $root.vigil.v1.DataBatch.verify(message.data, _depth + 1);
                        if (error)
                            return "data." + error;
                    }
                }
                return null;
            };

            /**
             * Creates a Payload message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Payload
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Payload} Payload
             */
            Payload.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Payload)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Payload: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Payload();
                if (object.birth != null) {
                    if (!$util.isObject(object.birth))
                        throw $TypeError(".vigil.v1.Payload.birth: object expected");
                    message.birth = $root.vigil.v1.Birth.fromObject(object.birth, _depth + 1);
                }
                if (object.death != null) {
                    if (!$util.isObject(object.death))
                        throw $TypeError(".vigil.v1.Payload.death: object expected");
                    message.death = $root.vigil.v1.Death.fromObject(object.death, _depth + 1);
                }
                if (object.heartbeat != null) {
                    if (!$util.isObject(object.heartbeat))
                        throw $TypeError(".vigil.v1.Payload.heartbeat: object expected");
                    message.heartbeat = $root.vigil.v1.Heartbeat.fromObject(object.heartbeat, _depth + 1);
                }
                if (object.data != null) {
                    if (!$util.isObject(object.data))
                        throw $TypeError(".vigil.v1.Payload.data: object expected");
                    message.data = $root.vigil.v1.DataBatch.fromObject(object.data, _depth + 1);
                }
                return message;
            };

            /**
             * Creates a plain object from a Payload message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Payload
             * @static
             * @param {vigil.v1.Payload} message Payload
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Payload.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (message.birth != null && $Object.hasOwnProperty.call(message, "birth")) {
                    object.birth = $root.vigil.v1.Birth.toObject(message.birth, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "birth";
                }
                if (message.death != null && $Object.hasOwnProperty.call(message, "death")) {
                    object.death = $root.vigil.v1.Death.toObject(message.death, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "death";
                }
                if (message.heartbeat != null && $Object.hasOwnProperty.call(message, "heartbeat")) {
                    object.heartbeat = $root.vigil.v1.Heartbeat.toObject(message.heartbeat, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "heartbeat";
                }
                if (message.data != null && $Object.hasOwnProperty.call(message, "data")) {
                    object.data = $root.vigil.v1.DataBatch.toObject(message.data, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "data";
                }
                return object;
            };

            /**
             * Converts this Payload to JSON.
             * @function toJSON
             * @memberof vigil.v1.Payload
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Payload.prototype.toJSON = function() {
                return Payload.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Payload
             * @function getTypeUrl
             * @memberof vigil.v1.Payload
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Payload.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Payload";
            };

            return Payload;
        })();

        v1.Birth = (function() {

            /**
             * Properties of a Birth.
             * @typedef {Object} vigil.v1.Birth.$Properties
             * @property {number|null} [bdSeq] Birth bdSeq
             * @property {number|null} [sentAt] Birth sentAt
             * @property {string|null} [agentVersion] Birth agentVersion
             * @property {number|null} [heartbeatSeconds] Birth heartbeatSeconds
             * @property {string|null} [configDigest] Birth configDigest
             * @property {vigil.v1.Inventory.$Properties|null} [inventory] Birth inventory
             * @property {string|null} [spoolEpoch] Birth spoolEpoch
             * @property {number|null} [ackedThrough] Birth ackedThrough
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Birth.
             * @memberof vigil.v1
             * @interface IBirth
             * @augments vigil.v1.Birth.$Properties
             * @deprecated Use vigil.v1.Birth.$Properties instead.
             */

            /**
             * Shape of a Birth.
             * @typedef {vigil.v1.Birth.$Properties} vigil.v1.Birth.$Shape
             */

            /**
             * Constructs a new Birth.
             * @memberof vigil.v1
             * @classdesc Represents a Birth.
             * @constructor
             * @param {vigil.v1.Birth.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Birth = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Birth bdSeq.
             * @member {number} bdSeq
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.bdSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Birth sentAt.
             * @member {number} sentAt
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.sentAt = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Birth agentVersion.
             * @member {string} agentVersion
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.agentVersion = "";

            /**
             * Birth heartbeatSeconds.
             * @member {number} heartbeatSeconds
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.heartbeatSeconds = 0;

            /**
             * Birth configDigest.
             * @member {string} configDigest
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.configDigest = "";

            /**
             * Birth inventory.
             * @member {vigil.v1.Inventory.$Properties|null|undefined} inventory
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.inventory = null;

            /**
             * Birth spoolEpoch.
             * @member {string} spoolEpoch
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.spoolEpoch = "";

            /**
             * Birth ackedThrough.
             * @member {number} ackedThrough
             * @memberof vigil.v1.Birth
             * @instance
             */
            Birth.prototype.ackedThrough = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Birth instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Birth
             * @static
             * @param {vigil.v1.Birth.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Birth} Birth instance
             * @type {{
             *   (properties: vigil.v1.Birth.$Shape): vigil.v1.Birth & vigil.v1.Birth.$Shape;
             *   (properties?: vigil.v1.Birth.$Properties): vigil.v1.Birth;
             * }}
             */
            Birth.create = function(properties) {
                return new Birth(properties);
            };

            /**
             * Encodes the specified Birth message. Does not implicitly {@link vigil.v1.Birth.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Birth
             * @static
             * @param {vigil.v1.Birth.$Properties} message Birth message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Birth.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq") && (typeof message.bdSeq === "object" ? message.bdSeq.low || message.bdSeq.high : message.bdSeq !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.bdSeq);
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt") && (typeof message.sentAt === "object" ? message.sentAt.low || message.sentAt.high : message.sentAt !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).int64(message.sentAt);
                if (message.agentVersion != null && $Object.hasOwnProperty.call(message, "agentVersion") && message.agentVersion !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.agentVersion);
                if (message.heartbeatSeconds != null && $Object.hasOwnProperty.call(message, "heartbeatSeconds") && message.heartbeatSeconds !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.heartbeatSeconds);
                if (message.configDigest != null && $Object.hasOwnProperty.call(message, "configDigest") && message.configDigest !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.configDigest);
                if (message.inventory != null && $Object.hasOwnProperty.call(message, "inventory"))
                    $root.vigil.v1.Inventory.encode(message.inventory, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch") && message.spoolEpoch !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.spoolEpoch);
                if (message.ackedThrough != null && $Object.hasOwnProperty.call(message, "ackedThrough") && (typeof message.ackedThrough === "object" ? message.ackedThrough.low || message.ackedThrough.high : message.ackedThrough !== 0))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.ackedThrough);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Birth message, length delimited. Does not implicitly {@link vigil.v1.Birth.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Birth
             * @static
             * @param {vigil.v1.Birth.$Properties} message Birth message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Birth.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Birth message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Birth
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Birth & vigil.v1.Birth.$Shape} Birth
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Birth.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Birth();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bdSeq = value;
                            else
                                delete message.bdSeq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.sentAt = value;
                            else
                                delete message.sentAt;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.agentVersion = value;
                            else
                                delete message.agentVersion;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.heartbeatSeconds = value;
                            else
                                delete message.heartbeatSeconds;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.configDigest = value;
                            else
                                delete message.configDigest;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.inventory = $root.vigil.v1.Inventory.decode(reader, reader.size(), $undefined, _depth + 1, message.inventory);
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.spoolEpoch = value;
                            else
                                delete message.spoolEpoch;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.ackedThrough = value;
                            else
                                delete message.ackedThrough;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Birth message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Birth
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Birth & vigil.v1.Birth.$Shape} Birth
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Birth.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Birth message.
             * @function verify
             * @memberof vigil.v1.Birth
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Birth.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq"))
                    if (!$util.isInteger(message.bdSeq) && !(message.bdSeq && $util.isInteger(message.bdSeq.low) && $util.isInteger(message.bdSeq.high)))
                        return "bdSeq: integer|Long expected";
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt"))
                    if (!$util.isInteger(message.sentAt) && !(message.sentAt && $util.isInteger(message.sentAt.low) && $util.isInteger(message.sentAt.high)))
                        return "sentAt: integer|Long expected";
                if (message.agentVersion != null && $Object.hasOwnProperty.call(message, "agentVersion"))
                    if (!$util.isString(message.agentVersion))
                        return "agentVersion: string expected";
                if (message.heartbeatSeconds != null && $Object.hasOwnProperty.call(message, "heartbeatSeconds"))
                    if (!$util.isInteger(message.heartbeatSeconds))
                        return "heartbeatSeconds: integer expected";
                if (message.configDigest != null && $Object.hasOwnProperty.call(message, "configDigest"))
                    if (!$util.isString(message.configDigest))
                        return "configDigest: string expected";
                if (message.inventory != null && $Object.hasOwnProperty.call(message, "inventory")) {
                    let error = $root.vigil.v1.Inventory.verify(message.inventory, _depth + 1);
                    if (error)
                        return "inventory." + error;
                }
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    if (!$util.isString(message.spoolEpoch))
                        return "spoolEpoch: string expected";
                if (message.ackedThrough != null && $Object.hasOwnProperty.call(message, "ackedThrough"))
                    if (!$util.isInteger(message.ackedThrough) && !(message.ackedThrough && $util.isInteger(message.ackedThrough.low) && $util.isInteger(message.ackedThrough.high)))
                        return "ackedThrough: integer|Long expected";
                return null;
            };

            /**
             * Creates a Birth message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Birth
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Birth} Birth
             */
            Birth.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Birth)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Birth: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Birth();
                if (object.bdSeq != null)
                    if (typeof object.bdSeq === "object" ? object.bdSeq.low || object.bdSeq.high : $Number(object.bdSeq) !== 0)
                        if ($util.Long)
                            message.bdSeq = $util.Long.fromValue(object.bdSeq, true);
                        else if (typeof object.bdSeq === "string")
                            message.bdSeq = $parseInt(object.bdSeq, 10);
                        else if (typeof object.bdSeq === "number")
                            message.bdSeq = object.bdSeq;
                        else if (typeof object.bdSeq === "object")
                            message.bdSeq = new $util.LongBits(object.bdSeq.low >>> 0, object.bdSeq.high >>> 0).toNumber(true);
                if (object.sentAt != null)
                    if (typeof object.sentAt === "object" ? object.sentAt.low || object.sentAt.high : $Number(object.sentAt) !== 0)
                        if ($util.Long)
                            message.sentAt = $util.Long.fromValue(object.sentAt, false);
                        else if (typeof object.sentAt === "string")
                            message.sentAt = $parseInt(object.sentAt, 10);
                        else if (typeof object.sentAt === "number")
                            message.sentAt = object.sentAt;
                        else if (typeof object.sentAt === "object")
                            message.sentAt = new $util.LongBits(object.sentAt.low >>> 0, object.sentAt.high >>> 0).toNumber();
                if (object.agentVersion != null)
                    if (typeof object.agentVersion !== "string" || object.agentVersion.length)
                        message.agentVersion = $String(object.agentVersion);
                if (object.heartbeatSeconds != null)
                    if ($Number(object.heartbeatSeconds) !== 0)
                        message.heartbeatSeconds = object.heartbeatSeconds >>> 0;
                if (object.configDigest != null)
                    if (typeof object.configDigest !== "string" || object.configDigest.length)
                        message.configDigest = $String(object.configDigest);
                if (object.inventory != null) {
                    if (!$util.isObject(object.inventory))
                        throw $TypeError(".vigil.v1.Birth.inventory: object expected");
                    message.inventory = $root.vigil.v1.Inventory.fromObject(object.inventory, _depth + 1);
                }
                if (object.spoolEpoch != null)
                    if (typeof object.spoolEpoch !== "string" || object.spoolEpoch.length)
                        message.spoolEpoch = $String(object.spoolEpoch);
                if (object.ackedThrough != null)
                    if (typeof object.ackedThrough === "object" ? object.ackedThrough.low || object.ackedThrough.high : $Number(object.ackedThrough) !== 0)
                        if ($util.Long)
                            message.ackedThrough = $util.Long.fromValue(object.ackedThrough, true);
                        else if (typeof object.ackedThrough === "string")
                            message.ackedThrough = $parseInt(object.ackedThrough, 10);
                        else if (typeof object.ackedThrough === "number")
                            message.ackedThrough = object.ackedThrough;
                        else if (typeof object.ackedThrough === "object")
                            message.ackedThrough = new $util.LongBits(object.ackedThrough.low >>> 0, object.ackedThrough.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a Birth message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Birth
             * @static
             * @param {vigil.v1.Birth} message Birth
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Birth.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bdSeq = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bdSeq = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.sentAt = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.sentAt = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.agentVersion = "";
                    object.heartbeatSeconds = 0;
                    object.configDigest = "";
                    object.inventory = null;
                    object.spoolEpoch = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.ackedThrough = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.ackedThrough = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bdSeq = typeof message.bdSeq === "number" ? $BigInt(message.bdSeq) : $util.Long.fromBits(message.bdSeq.low >>> 0, message.bdSeq.high >>> 0, true).toBigInt();
                    else if (typeof message.bdSeq === "number")
                        object.bdSeq = options.longs === $String ? $String(message.bdSeq) : message.bdSeq;
                    else
                        object.bdSeq = options.longs === $String ? $util.Long.prototype.toString.call(message.bdSeq) : options.longs === $Number ? new $util.LongBits(message.bdSeq.low >>> 0, message.bdSeq.high >>> 0).toNumber(true) : message.bdSeq;
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.sentAt = typeof message.sentAt === "number" ? $BigInt(message.sentAt) : $util.Long.fromBits(message.sentAt.low >>> 0, message.sentAt.high >>> 0, false).toBigInt();
                    else if (typeof message.sentAt === "number")
                        object.sentAt = options.longs === $String ? $String(message.sentAt) : message.sentAt;
                    else
                        object.sentAt = options.longs === $String ? $util.Long.prototype.toString.call(message.sentAt) : options.longs === $Number ? new $util.LongBits(message.sentAt.low >>> 0, message.sentAt.high >>> 0).toNumber() : message.sentAt;
                if (message.agentVersion != null && $Object.hasOwnProperty.call(message, "agentVersion"))
                    object.agentVersion = message.agentVersion;
                if (message.heartbeatSeconds != null && $Object.hasOwnProperty.call(message, "heartbeatSeconds"))
                    object.heartbeatSeconds = message.heartbeatSeconds;
                if (message.configDigest != null && $Object.hasOwnProperty.call(message, "configDigest"))
                    object.configDigest = message.configDigest;
                if (message.inventory != null && $Object.hasOwnProperty.call(message, "inventory"))
                    object.inventory = $root.vigil.v1.Inventory.toObject(message.inventory, options, _depth + 1);
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    object.spoolEpoch = message.spoolEpoch;
                if (message.ackedThrough != null && $Object.hasOwnProperty.call(message, "ackedThrough"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.ackedThrough = typeof message.ackedThrough === "number" ? $BigInt(message.ackedThrough) : $util.Long.fromBits(message.ackedThrough.low >>> 0, message.ackedThrough.high >>> 0, true).toBigInt();
                    else if (typeof message.ackedThrough === "number")
                        object.ackedThrough = options.longs === $String ? $String(message.ackedThrough) : message.ackedThrough;
                    else
                        object.ackedThrough = options.longs === $String ? $util.Long.prototype.toString.call(message.ackedThrough) : options.longs === $Number ? new $util.LongBits(message.ackedThrough.low >>> 0, message.ackedThrough.high >>> 0).toNumber(true) : message.ackedThrough;
                return object;
            };

            /**
             * Converts this Birth to JSON.
             * @function toJSON
             * @memberof vigil.v1.Birth
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Birth.prototype.toJSON = function() {
                return Birth.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Birth
             * @function getTypeUrl
             * @memberof vigil.v1.Birth
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Birth.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Birth";
            };

            return Birth;
        })();

        v1.Inventory = (function() {

            /**
             * Properties of an Inventory.
             * @typedef {Object} vigil.v1.Inventory.$Properties
             * @property {string|null} [recorderName] Inventory recorderName
             * @property {vigil.v1.Installation.$Properties|null} [installation] Inventory installation
             * @property {vigil.v1.Site.$Properties|null} [site] Inventory site
             * @property {string|null} [vmsProduct] Inventory vmsProduct
             * @property {string|null} [vmsVersion] Inventory vmsVersion
             * @property {string|null} [hostname] Inventory hostname
             * @property {string|null} [os] Inventory os
             * @property {Array.<string>|null} [services] Inventory services
             * @property {Array.<string>|null} [drives] Inventory drives
             * @property {number|null} [cameraCount] Inventory cameraCount
             * @property {number|null} [licensedCameras] Inventory licensedCameras
             * @property {string|null} [failoverPartner] Inventory failoverPartner
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Inventory.
             * @memberof vigil.v1
             * @interface IInventory
             * @augments vigil.v1.Inventory.$Properties
             * @deprecated Use vigil.v1.Inventory.$Properties instead.
             */

            /**
             * Shape of an Inventory.
             * @typedef {vigil.v1.Inventory.$Properties} vigil.v1.Inventory.$Shape
             */

            /**
             * Constructs a new Inventory.
             * @memberof vigil.v1
             * @classdesc Represents an Inventory.
             * @constructor
             * @param {vigil.v1.Inventory.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Inventory = function (properties) {
                this.services = [];
                this.drives = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Inventory recorderName.
             * @member {string} recorderName
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.recorderName = "";

            /**
             * Inventory installation.
             * @member {vigil.v1.Installation.$Properties|null|undefined} installation
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.installation = null;

            /**
             * Inventory site.
             * @member {vigil.v1.Site.$Properties|null|undefined} site
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.site = null;

            /**
             * Inventory vmsProduct.
             * @member {string} vmsProduct
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.vmsProduct = "";

            /**
             * Inventory vmsVersion.
             * @member {string} vmsVersion
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.vmsVersion = "";

            /**
             * Inventory hostname.
             * @member {string} hostname
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.hostname = "";

            /**
             * Inventory os.
             * @member {string} os
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.os = "";

            /**
             * Inventory services.
             * @member {Array.<string>} services
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.services = $util.emptyArray;

            /**
             * Inventory drives.
             * @member {Array.<string>} drives
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.drives = $util.emptyArray;

            /**
             * Inventory cameraCount.
             * @member {number} cameraCount
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.cameraCount = 0;

            /**
             * Inventory licensedCameras.
             * @member {number} licensedCameras
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.licensedCameras = 0;

            /**
             * Inventory failoverPartner.
             * @member {string} failoverPartner
             * @memberof vigil.v1.Inventory
             * @instance
             */
            Inventory.prototype.failoverPartner = "";

            /**
             * Creates a new Inventory instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Inventory
             * @static
             * @param {vigil.v1.Inventory.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Inventory} Inventory instance
             * @type {{
             *   (properties: vigil.v1.Inventory.$Shape): vigil.v1.Inventory & vigil.v1.Inventory.$Shape;
             *   (properties?: vigil.v1.Inventory.$Properties): vigil.v1.Inventory;
             * }}
             */
            Inventory.create = function(properties) {
                return new Inventory(properties);
            };

            /**
             * Encodes the specified Inventory message. Does not implicitly {@link vigil.v1.Inventory.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Inventory
             * @static
             * @param {vigil.v1.Inventory.$Properties} message Inventory message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Inventory.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.recorderName != null && $Object.hasOwnProperty.call(message, "recorderName") && message.recorderName !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.recorderName);
                if (message.installation != null && $Object.hasOwnProperty.call(message, "installation"))
                    $root.vigil.v1.Installation.encode(message.installation, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.site != null && $Object.hasOwnProperty.call(message, "site"))
                    $root.vigil.v1.Site.encode(message.site, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.vmsProduct != null && $Object.hasOwnProperty.call(message, "vmsProduct") && message.vmsProduct !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.vmsProduct);
                if (message.vmsVersion != null && $Object.hasOwnProperty.call(message, "vmsVersion") && message.vmsVersion !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.vmsVersion);
                if (message.hostname != null && $Object.hasOwnProperty.call(message, "hostname") && message.hostname !== "")
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.hostname);
                if (message.os != null && $Object.hasOwnProperty.call(message, "os") && message.os !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.os);
                if (message.services != null && message.services.length)
                    for (let i = 0; i < message.services.length; ++i)
                        writer.uint32(/* id 8, wireType 2 =*/66).string(message.services[i]);
                if (message.drives != null && message.drives.length)
                    for (let i = 0; i < message.drives.length; ++i)
                        writer.uint32(/* id 9, wireType 2 =*/74).string(message.drives[i]);
                if (message.cameraCount != null && $Object.hasOwnProperty.call(message, "cameraCount") && message.cameraCount !== 0)
                    writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.cameraCount);
                if (message.licensedCameras != null && $Object.hasOwnProperty.call(message, "licensedCameras") && message.licensedCameras !== 0)
                    writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.licensedCameras);
                if (message.failoverPartner != null && $Object.hasOwnProperty.call(message, "failoverPartner") && message.failoverPartner !== "")
                    writer.uint32(/* id 12, wireType 2 =*/98).string(message.failoverPartner);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Inventory message, length delimited. Does not implicitly {@link vigil.v1.Inventory.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Inventory
             * @static
             * @param {vigil.v1.Inventory.$Properties} message Inventory message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Inventory.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Inventory message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Inventory
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Inventory & vigil.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Inventory.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Inventory();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.recorderName = value;
                            else
                                delete message.recorderName;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            message.installation = $root.vigil.v1.Installation.decode(reader, reader.size(), $undefined, _depth + 1, message.installation);
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.site = $root.vigil.v1.Site.decode(reader, reader.size(), $undefined, _depth + 1, message.site);
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.vmsProduct = value;
                            else
                                delete message.vmsProduct;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.vmsVersion = value;
                            else
                                delete message.vmsVersion;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.hostname = value;
                            else
                                delete message.hostname;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.os = value;
                            else
                                delete message.os;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if (!(message.services && message.services.length))
                                message.services = [];
                            message.services.push(reader.stringVerify());
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if (!(message.drives && message.drives.length))
                                message.drives = [];
                            message.drives.push(reader.stringVerify());
                            continue;
                        }
                    case 10: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.cameraCount = value;
                            else
                                delete message.cameraCount;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.licensedCameras = value;
                            else
                                delete message.licensedCameras;
                            continue;
                        }
                    case 12: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.failoverPartner = value;
                            else
                                delete message.failoverPartner;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes an Inventory message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Inventory
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Inventory & vigil.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Inventory.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Inventory message.
             * @function verify
             * @memberof vigil.v1.Inventory
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Inventory.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.recorderName != null && $Object.hasOwnProperty.call(message, "recorderName"))
                    if (!$util.isString(message.recorderName))
                        return "recorderName: string expected";
                if (message.installation != null && $Object.hasOwnProperty.call(message, "installation")) {
                    let error = $root.vigil.v1.Installation.verify(message.installation, _depth + 1);
                    if (error)
                        return "installation." + error;
                }
                if (message.site != null && $Object.hasOwnProperty.call(message, "site")) {
                    let error = $root.vigil.v1.Site.verify(message.site, _depth + 1);
                    if (error)
                        return "site." + error;
                }
                if (message.vmsProduct != null && $Object.hasOwnProperty.call(message, "vmsProduct"))
                    if (!$util.isString(message.vmsProduct))
                        return "vmsProduct: string expected";
                if (message.vmsVersion != null && $Object.hasOwnProperty.call(message, "vmsVersion"))
                    if (!$util.isString(message.vmsVersion))
                        return "vmsVersion: string expected";
                if (message.hostname != null && $Object.hasOwnProperty.call(message, "hostname"))
                    if (!$util.isString(message.hostname))
                        return "hostname: string expected";
                if (message.os != null && $Object.hasOwnProperty.call(message, "os"))
                    if (!$util.isString(message.os))
                        return "os: string expected";
                if (message.services != null && $Object.hasOwnProperty.call(message, "services")) {
                    if (!$Array.isArray(message.services))
                        return "services: array expected";
                    for (let i = 0; i < message.services.length; ++i)
                        if (!$util.isString(message.services[i]))
                            return "services: string[] expected";
                }
                if (message.drives != null && $Object.hasOwnProperty.call(message, "drives")) {
                    if (!$Array.isArray(message.drives))
                        return "drives: array expected";
                    for (let i = 0; i < message.drives.length; ++i)
                        if (!$util.isString(message.drives[i]))
                            return "drives: string[] expected";
                }
                if (message.cameraCount != null && $Object.hasOwnProperty.call(message, "cameraCount"))
                    if (!$util.isInteger(message.cameraCount))
                        return "cameraCount: integer expected";
                if (message.licensedCameras != null && $Object.hasOwnProperty.call(message, "licensedCameras"))
                    if (!$util.isInteger(message.licensedCameras))
                        return "licensedCameras: integer expected";
                if (message.failoverPartner != null && $Object.hasOwnProperty.call(message, "failoverPartner"))
                    if (!$util.isString(message.failoverPartner))
                        return "failoverPartner: string expected";
                return null;
            };

            /**
             * Creates an Inventory message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Inventory
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Inventory} Inventory
             */
            Inventory.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Inventory)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Inventory: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Inventory();
                if (object.recorderName != null)
                    if (typeof object.recorderName !== "string" || object.recorderName.length)
                        message.recorderName = $String(object.recorderName);
                if (object.installation != null) {
                    if (!$util.isObject(object.installation))
                        throw $TypeError(".vigil.v1.Inventory.installation: object expected");
                    message.installation = $root.vigil.v1.Installation.fromObject(object.installation, _depth + 1);
                }
                if (object.site != null) {
                    if (!$util.isObject(object.site))
                        throw $TypeError(".vigil.v1.Inventory.site: object expected");
                    message.site = $root.vigil.v1.Site.fromObject(object.site, _depth + 1);
                }
                if (object.vmsProduct != null)
                    if (typeof object.vmsProduct !== "string" || object.vmsProduct.length)
                        message.vmsProduct = $String(object.vmsProduct);
                if (object.vmsVersion != null)
                    if (typeof object.vmsVersion !== "string" || object.vmsVersion.length)
                        message.vmsVersion = $String(object.vmsVersion);
                if (object.hostname != null)
                    if (typeof object.hostname !== "string" || object.hostname.length)
                        message.hostname = $String(object.hostname);
                if (object.os != null)
                    if (typeof object.os !== "string" || object.os.length)
                        message.os = $String(object.os);
                if (object.services) {
                    if (!$Array.isArray(object.services))
                        throw $TypeError(".vigil.v1.Inventory.services: array expected");
                    message.services = $Array(object.services.length);
                    for (let i = 0; i < object.services.length; ++i)
                        message.services[i] = $String(object.services[i]);
                }
                if (object.drives) {
                    if (!$Array.isArray(object.drives))
                        throw $TypeError(".vigil.v1.Inventory.drives: array expected");
                    message.drives = $Array(object.drives.length);
                    for (let i = 0; i < object.drives.length; ++i)
                        message.drives[i] = $String(object.drives[i]);
                }
                if (object.cameraCount != null)
                    if ($Number(object.cameraCount) !== 0)
                        message.cameraCount = object.cameraCount >>> 0;
                if (object.licensedCameras != null)
                    if ($Number(object.licensedCameras) !== 0)
                        message.licensedCameras = object.licensedCameras >>> 0;
                if (object.failoverPartner != null)
                    if (typeof object.failoverPartner !== "string" || object.failoverPartner.length)
                        message.failoverPartner = $String(object.failoverPartner);
                return message;
            };

            /**
             * Creates a plain object from an Inventory message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Inventory
             * @static
             * @param {vigil.v1.Inventory} message Inventory
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Inventory.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults) {
                    object.services = [];
                    object.drives = [];
                }
                if (options.defaults) {
                    object.recorderName = "";
                    object.installation = null;
                    object.site = null;
                    object.vmsProduct = "";
                    object.vmsVersion = "";
                    object.hostname = "";
                    object.os = "";
                    object.cameraCount = 0;
                    object.licensedCameras = 0;
                    object.failoverPartner = "";
                }
                if (message.recorderName != null && $Object.hasOwnProperty.call(message, "recorderName"))
                    object.recorderName = message.recorderName;
                if (message.installation != null && $Object.hasOwnProperty.call(message, "installation"))
                    object.installation = $root.vigil.v1.Installation.toObject(message.installation, options, _depth + 1);
                if (message.site != null && $Object.hasOwnProperty.call(message, "site"))
                    object.site = $root.vigil.v1.Site.toObject(message.site, options, _depth + 1);
                if (message.vmsProduct != null && $Object.hasOwnProperty.call(message, "vmsProduct"))
                    object.vmsProduct = message.vmsProduct;
                if (message.vmsVersion != null && $Object.hasOwnProperty.call(message, "vmsVersion"))
                    object.vmsVersion = message.vmsVersion;
                if (message.hostname != null && $Object.hasOwnProperty.call(message, "hostname"))
                    object.hostname = message.hostname;
                if (message.os != null && $Object.hasOwnProperty.call(message, "os"))
                    object.os = message.os;
                if (message.services && message.services.length) {
                    object.services = $Array(message.services.length);
                    for (let j = 0; j < message.services.length; ++j)
                        object.services[j] = message.services[j];
                }
                if (message.drives && message.drives.length) {
                    object.drives = $Array(message.drives.length);
                    for (let j = 0; j < message.drives.length; ++j)
                        object.drives[j] = message.drives[j];
                }
                if (message.cameraCount != null && $Object.hasOwnProperty.call(message, "cameraCount"))
                    object.cameraCount = message.cameraCount;
                if (message.licensedCameras != null && $Object.hasOwnProperty.call(message, "licensedCameras"))
                    object.licensedCameras = message.licensedCameras;
                if (message.failoverPartner != null && $Object.hasOwnProperty.call(message, "failoverPartner"))
                    object.failoverPartner = message.failoverPartner;
                return object;
            };

            /**
             * Converts this Inventory to JSON.
             * @function toJSON
             * @memberof vigil.v1.Inventory
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Inventory.prototype.toJSON = function() {
                return Inventory.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Inventory
             * @function getTypeUrl
             * @memberof vigil.v1.Inventory
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Inventory.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Inventory";
            };

            return Inventory;
        })();

        v1.Installation = (function() {

            /**
             * Properties of an Installation.
             * @typedef {Object} vigil.v1.Installation.$Properties
             * @property {string|null} [slc] Installation slc
             * @property {string|null} [name] Installation name
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Installation.
             * @memberof vigil.v1
             * @interface IInstallation
             * @augments vigil.v1.Installation.$Properties
             * @deprecated Use vigil.v1.Installation.$Properties instead.
             */

            /**
             * Shape of an Installation.
             * @typedef {vigil.v1.Installation.$Properties} vigil.v1.Installation.$Shape
             */

            /**
             * Constructs a new Installation.
             * @memberof vigil.v1
             * @classdesc Represents an Installation.
             * @constructor
             * @param {vigil.v1.Installation.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Installation = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Installation slc.
             * @member {string} slc
             * @memberof vigil.v1.Installation
             * @instance
             */
            Installation.prototype.slc = "";

            /**
             * Installation name.
             * @member {string} name
             * @memberof vigil.v1.Installation
             * @instance
             */
            Installation.prototype.name = "";

            /**
             * Creates a new Installation instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Installation
             * @static
             * @param {vigil.v1.Installation.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Installation} Installation instance
             * @type {{
             *   (properties: vigil.v1.Installation.$Shape): vigil.v1.Installation & vigil.v1.Installation.$Shape;
             *   (properties?: vigil.v1.Installation.$Properties): vigil.v1.Installation;
             * }}
             */
            Installation.create = function(properties) {
                return new Installation(properties);
            };

            /**
             * Encodes the specified Installation message. Does not implicitly {@link vigil.v1.Installation.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Installation
             * @static
             * @param {vigil.v1.Installation.$Properties} message Installation message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Installation.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.slc != null && $Object.hasOwnProperty.call(message, "slc") && message.slc !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.slc);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Installation message, length delimited. Does not implicitly {@link vigil.v1.Installation.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Installation
             * @static
             * @param {vigil.v1.Installation.$Properties} message Installation message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Installation.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Installation message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Installation
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Installation & vigil.v1.Installation.$Shape} Installation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Installation.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Installation();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.slc = value;
                            else
                                delete message.slc;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes an Installation message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Installation
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Installation & vigil.v1.Installation.$Shape} Installation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Installation.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Installation message.
             * @function verify
             * @memberof vigil.v1.Installation
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Installation.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.slc != null && $Object.hasOwnProperty.call(message, "slc"))
                    if (!$util.isString(message.slc))
                        return "slc: string expected";
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    if (!$util.isString(message.name))
                        return "name: string expected";
                return null;
            };

            /**
             * Creates an Installation message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Installation
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Installation} Installation
             */
            Installation.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Installation)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Installation: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Installation();
                if (object.slc != null)
                    if (typeof object.slc !== "string" || object.slc.length)
                        message.slc = $String(object.slc);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                return message;
            };

            /**
             * Creates a plain object from an Installation message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Installation
             * @static
             * @param {vigil.v1.Installation} message Installation
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Installation.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.slc = "";
                    object.name = "";
                }
                if (message.slc != null && $Object.hasOwnProperty.call(message, "slc"))
                    object.slc = message.slc;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                return object;
            };

            /**
             * Converts this Installation to JSON.
             * @function toJSON
             * @memberof vigil.v1.Installation
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Installation.prototype.toJSON = function() {
                return Installation.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Installation
             * @function getTypeUrl
             * @memberof vigil.v1.Installation
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Installation.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Installation";
            };

            return Installation;
        })();

        v1.Site = (function() {

            /**
             * Properties of a Site.
             * @typedef {Object} vigil.v1.Site.$Properties
             * @property {string|null} [id] Site id
             * @property {string|null} [name] Site name
             * @property {number|null} [latitude] Site latitude
             * @property {number|null} [longitude] Site longitude
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Site.
             * @memberof vigil.v1
             * @interface ISite
             * @augments vigil.v1.Site.$Properties
             * @deprecated Use vigil.v1.Site.$Properties instead.
             */

            /**
             * Shape of a Site.
             * @typedef {vigil.v1.Site.$Properties} vigil.v1.Site.$Shape
             */

            /**
             * Constructs a new Site.
             * @memberof vigil.v1
             * @classdesc Represents a Site.
             * @constructor
             * @param {vigil.v1.Site.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Site = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Site id.
             * @member {string} id
             * @memberof vigil.v1.Site
             * @instance
             */
            Site.prototype.id = "";

            /**
             * Site name.
             * @member {string} name
             * @memberof vigil.v1.Site
             * @instance
             */
            Site.prototype.name = "";

            /**
             * Site latitude.
             * @member {number} latitude
             * @memberof vigil.v1.Site
             * @instance
             */
            Site.prototype.latitude = 0;

            /**
             * Site longitude.
             * @member {number} longitude
             * @memberof vigil.v1.Site
             * @instance
             */
            Site.prototype.longitude = 0;

            /**
             * Creates a new Site instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Site
             * @static
             * @param {vigil.v1.Site.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Site} Site instance
             * @type {{
             *   (properties: vigil.v1.Site.$Shape): vigil.v1.Site & vigil.v1.Site.$Shape;
             *   (properties?: vigil.v1.Site.$Properties): vigil.v1.Site;
             * }}
             */
            Site.create = function(properties) {
                return new Site(properties);
            };

            /**
             * Encodes the specified Site message. Does not implicitly {@link vigil.v1.Site.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Site
             * @static
             * @param {vigil.v1.Site.$Properties} message Site message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Site.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.id);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
                if (message.latitude != null && $Object.hasOwnProperty.call(message, "latitude") && !$Object.is(message.latitude, 0))
                    writer.uint32(/* id 3, wireType 1 =*/25).double(message.latitude);
                if (message.longitude != null && $Object.hasOwnProperty.call(message, "longitude") && !$Object.is(message.longitude, 0))
                    writer.uint32(/* id 4, wireType 1 =*/33).double(message.longitude);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Site message, length delimited. Does not implicitly {@link vigil.v1.Site.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Site
             * @static
             * @param {vigil.v1.Site.$Properties} message Site message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Site.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Site message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Site
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Site & vigil.v1.Site.$Shape} Site
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Site.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Site();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.latitude = value;
                            else
                                delete message.latitude;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.longitude = value;
                            else
                                delete message.longitude;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Site message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Site
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Site & vigil.v1.Site.$Shape} Site
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Site.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Site message.
             * @function verify
             * @memberof vigil.v1.Site
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Site.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    if (!$util.isString(message.id))
                        return "id: string expected";
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    if (!$util.isString(message.name))
                        return "name: string expected";
                if (message.latitude != null && $Object.hasOwnProperty.call(message, "latitude"))
                    if (typeof message.latitude !== "number")
                        return "latitude: number expected";
                if (message.longitude != null && $Object.hasOwnProperty.call(message, "longitude"))
                    if (typeof message.longitude !== "number")
                        return "longitude: number expected";
                return null;
            };

            /**
             * Creates a Site message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Site
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Site} Site
             */
            Site.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Site)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Site: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Site();
                if (object.id != null)
                    if (typeof object.id !== "string" || object.id.length)
                        message.id = $String(object.id);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.latitude != null)
                    if (!$Object.is($Number(object.latitude), 0))
                        message.latitude = $Number(object.latitude);
                if (object.longitude != null)
                    if (!$Object.is($Number(object.longitude), 0))
                        message.longitude = $Number(object.longitude);
                return message;
            };

            /**
             * Creates a plain object from a Site message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Site
             * @static
             * @param {vigil.v1.Site} message Site
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Site.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.id = "";
                    object.name = "";
                    object.latitude = 0;
                    object.longitude = 0;
                }
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.latitude != null && $Object.hasOwnProperty.call(message, "latitude"))
                    object.latitude = options.json && !$isFinite(message.latitude) ? $String(message.latitude) : message.latitude;
                if (message.longitude != null && $Object.hasOwnProperty.call(message, "longitude"))
                    object.longitude = options.json && !$isFinite(message.longitude) ? $String(message.longitude) : message.longitude;
                return object;
            };

            /**
             * Converts this Site to JSON.
             * @function toJSON
             * @memberof vigil.v1.Site
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Site.prototype.toJSON = function() {
                return Site.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Site
             * @function getTypeUrl
             * @memberof vigil.v1.Site
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Site.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Site";
            };

            return Site;
        })();

        /**
         * DeathReason enum.
         * @name vigil.v1.DeathReason
         * @enum {number}
         * @property {number} DEATH_REASON_UNSPECIFIED=0 DEATH_REASON_UNSPECIFIED value
         * @property {number} DEATH_REASON_WILL=1 DEATH_REASON_WILL value
         * @property {number} DEATH_REASON_GRACEFUL=2 DEATH_REASON_GRACEFUL value
         */
        v1.DeathReason = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "DEATH_REASON_UNSPECIFIED"] = 0;
            values[valuesById[1] = "DEATH_REASON_WILL"] = 1;
            values[valuesById[2] = "DEATH_REASON_GRACEFUL"] = 2;
            return values;
        })();

        v1.Death = (function() {

            /**
             * Properties of a Death.
             * @typedef {Object} vigil.v1.Death.$Properties
             * @property {number|null} [bdSeq] Death bdSeq
             * @property {vigil.v1.DeathReason|null} [reason] Death reason
             * @property {number|null} [sentAt] Death sentAt
             * @property {string|null} [spoolEpoch] Death spoolEpoch
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Death.
             * @memberof vigil.v1
             * @interface IDeath
             * @augments vigil.v1.Death.$Properties
             * @deprecated Use vigil.v1.Death.$Properties instead.
             */

            /**
             * Shape of a Death.
             * @typedef {vigil.v1.Death.$Properties} vigil.v1.Death.$Shape
             */

            /**
             * Constructs a new Death.
             * @memberof vigil.v1
             * @classdesc Represents a Death.
             * @constructor
             * @param {vigil.v1.Death.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Death = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Death bdSeq.
             * @member {number} bdSeq
             * @memberof vigil.v1.Death
             * @instance
             */
            Death.prototype.bdSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Death reason.
             * @member {vigil.v1.DeathReason} reason
             * @memberof vigil.v1.Death
             * @instance
             */
            Death.prototype.reason = 0;

            /**
             * Death sentAt.
             * @member {number} sentAt
             * @memberof vigil.v1.Death
             * @instance
             */
            Death.prototype.sentAt = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Death spoolEpoch.
             * @member {string} spoolEpoch
             * @memberof vigil.v1.Death
             * @instance
             */
            Death.prototype.spoolEpoch = "";

            /**
             * Creates a new Death instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Death
             * @static
             * @param {vigil.v1.Death.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Death} Death instance
             * @type {{
             *   (properties: vigil.v1.Death.$Shape): vigil.v1.Death & vigil.v1.Death.$Shape;
             *   (properties?: vigil.v1.Death.$Properties): vigil.v1.Death;
             * }}
             */
            Death.create = function(properties) {
                return new Death(properties);
            };

            /**
             * Encodes the specified Death message. Does not implicitly {@link vigil.v1.Death.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Death
             * @static
             * @param {vigil.v1.Death.$Properties} message Death message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Death.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq") && (typeof message.bdSeq === "object" ? message.bdSeq.low || message.bdSeq.high : message.bdSeq !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.bdSeq);
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).int32(message.reason);
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt") && (typeof message.sentAt === "object" ? message.sentAt.low || message.sentAt.high : message.sentAt !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).int64(message.sentAt);
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch") && message.spoolEpoch !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.spoolEpoch);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Death message, length delimited. Does not implicitly {@link vigil.v1.Death.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Death
             * @static
             * @param {vigil.v1.Death.$Properties} message Death message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Death.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Death message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Death
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Death & vigil.v1.Death.$Shape} Death
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Death.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Death();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bdSeq = value;
                            else
                                delete message.bdSeq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.reason = value;
                            else
                                delete message.reason;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.sentAt = value;
                            else
                                delete message.sentAt;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.spoolEpoch = value;
                            else
                                delete message.spoolEpoch;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Death message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Death
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Death & vigil.v1.Death.$Shape} Death
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Death.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Death message.
             * @function verify
             * @memberof vigil.v1.Death
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Death.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq"))
                    if (!$util.isInteger(message.bdSeq) && !(message.bdSeq && $util.isInteger(message.bdSeq.low) && $util.isInteger(message.bdSeq.high)))
                        return "bdSeq: integer|Long expected";
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason"))
                    if (typeof message.reason !== "number" || (message.reason | 0) !== message.reason)
                        return "reason: enum value expected";
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt"))
                    if (!$util.isInteger(message.sentAt) && !(message.sentAt && $util.isInteger(message.sentAt.low) && $util.isInteger(message.sentAt.high)))
                        return "sentAt: integer|Long expected";
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    if (!$util.isString(message.spoolEpoch))
                        return "spoolEpoch: string expected";
                return null;
            };

            /**
             * Creates a Death message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Death
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Death} Death
             */
            Death.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Death)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Death: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Death();
                if (object.bdSeq != null)
                    if (typeof object.bdSeq === "object" ? object.bdSeq.low || object.bdSeq.high : $Number(object.bdSeq) !== 0)
                        if ($util.Long)
                            message.bdSeq = $util.Long.fromValue(object.bdSeq, true);
                        else if (typeof object.bdSeq === "string")
                            message.bdSeq = $parseInt(object.bdSeq, 10);
                        else if (typeof object.bdSeq === "number")
                            message.bdSeq = object.bdSeq;
                        else if (typeof object.bdSeq === "object")
                            message.bdSeq = new $util.LongBits(object.bdSeq.low >>> 0, object.bdSeq.high >>> 0).toNumber(true);
                if (object.reason !== 0 && (typeof object.reason !== "string" || $root.vigil.v1.DeathReason[object.reason] !== 0))
                    switch (object.reason) {
                    case "DEATH_REASON_UNSPECIFIED":
                    case 0:
                        message.reason = 0;
                        break;
                    case "DEATH_REASON_WILL":
                    case 1:
                        message.reason = 1;
                        break;
                    case "DEATH_REASON_GRACEFUL":
                    case 2:
                        message.reason = 2;
                        break;
                    default:
                        if (typeof object.reason === "number" && (object.reason | 0) === object.reason)
                            message.reason = object.reason;
                    }
                if (object.sentAt != null)
                    if (typeof object.sentAt === "object" ? object.sentAt.low || object.sentAt.high : $Number(object.sentAt) !== 0)
                        if ($util.Long)
                            message.sentAt = $util.Long.fromValue(object.sentAt, false);
                        else if (typeof object.sentAt === "string")
                            message.sentAt = $parseInt(object.sentAt, 10);
                        else if (typeof object.sentAt === "number")
                            message.sentAt = object.sentAt;
                        else if (typeof object.sentAt === "object")
                            message.sentAt = new $util.LongBits(object.sentAt.low >>> 0, object.sentAt.high >>> 0).toNumber();
                if (object.spoolEpoch != null)
                    if (typeof object.spoolEpoch !== "string" || object.spoolEpoch.length)
                        message.spoolEpoch = $String(object.spoolEpoch);
                return message;
            };

            /**
             * Creates a plain object from a Death message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Death
             * @static
             * @param {vigil.v1.Death} message Death
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Death.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bdSeq = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bdSeq = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.reason = options.enums === $String ? "DEATH_REASON_UNSPECIFIED" : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.sentAt = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.sentAt = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.spoolEpoch = "";
                }
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bdSeq = typeof message.bdSeq === "number" ? $BigInt(message.bdSeq) : $util.Long.fromBits(message.bdSeq.low >>> 0, message.bdSeq.high >>> 0, true).toBigInt();
                    else if (typeof message.bdSeq === "number")
                        object.bdSeq = options.longs === $String ? $String(message.bdSeq) : message.bdSeq;
                    else
                        object.bdSeq = options.longs === $String ? $util.Long.prototype.toString.call(message.bdSeq) : options.longs === $Number ? new $util.LongBits(message.bdSeq.low >>> 0, message.bdSeq.high >>> 0).toNumber(true) : message.bdSeq;
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason"))
                    object.reason = options.enums === $String ? $root.vigil.v1.DeathReason[message.reason] === $undefined ? message.reason : $root.vigil.v1.DeathReason[message.reason] : message.reason;
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.sentAt = typeof message.sentAt === "number" ? $BigInt(message.sentAt) : $util.Long.fromBits(message.sentAt.low >>> 0, message.sentAt.high >>> 0, false).toBigInt();
                    else if (typeof message.sentAt === "number")
                        object.sentAt = options.longs === $String ? $String(message.sentAt) : message.sentAt;
                    else
                        object.sentAt = options.longs === $String ? $util.Long.prototype.toString.call(message.sentAt) : options.longs === $Number ? new $util.LongBits(message.sentAt.low >>> 0, message.sentAt.high >>> 0).toNumber() : message.sentAt;
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    object.spoolEpoch = message.spoolEpoch;
                return object;
            };

            /**
             * Converts this Death to JSON.
             * @function toJSON
             * @memberof vigil.v1.Death
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Death.prototype.toJSON = function() {
                return Death.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Death
             * @function getTypeUrl
             * @memberof vigil.v1.Death
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Death.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Death";
            };

            return Death;
        })();

        v1.Heartbeat = (function() {

            /**
             * Properties of a Heartbeat.
             * @typedef {Object} vigil.v1.Heartbeat.$Properties
             * @property {number|null} [bdSeq] Heartbeat bdSeq
             * @property {number|null} [sentAt] Heartbeat sentAt
             * @property {string|null} [spoolEpoch] Heartbeat spoolEpoch
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Heartbeat.
             * @memberof vigil.v1
             * @interface IHeartbeat
             * @augments vigil.v1.Heartbeat.$Properties
             * @deprecated Use vigil.v1.Heartbeat.$Properties instead.
             */

            /**
             * Shape of a Heartbeat.
             * @typedef {vigil.v1.Heartbeat.$Properties} vigil.v1.Heartbeat.$Shape
             */

            /**
             * Constructs a new Heartbeat.
             * @memberof vigil.v1
             * @classdesc Represents a Heartbeat.
             * @constructor
             * @param {vigil.v1.Heartbeat.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Heartbeat = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Heartbeat bdSeq.
             * @member {number} bdSeq
             * @memberof vigil.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.bdSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Heartbeat sentAt.
             * @member {number} sentAt
             * @memberof vigil.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.sentAt = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Heartbeat spoolEpoch.
             * @member {string} spoolEpoch
             * @memberof vigil.v1.Heartbeat
             * @instance
             */
            Heartbeat.prototype.spoolEpoch = "";

            /**
             * Creates a new Heartbeat instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {vigil.v1.Heartbeat.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Heartbeat} Heartbeat instance
             * @type {{
             *   (properties: vigil.v1.Heartbeat.$Shape): vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape;
             *   (properties?: vigil.v1.Heartbeat.$Properties): vigil.v1.Heartbeat;
             * }}
             */
            Heartbeat.create = function(properties) {
                return new Heartbeat(properties);
            };

            /**
             * Encodes the specified Heartbeat message. Does not implicitly {@link vigil.v1.Heartbeat.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {vigil.v1.Heartbeat.$Properties} message Heartbeat message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Heartbeat.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq") && (typeof message.bdSeq === "object" ? message.bdSeq.low || message.bdSeq.high : message.bdSeq !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.bdSeq);
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt") && (typeof message.sentAt === "object" ? message.sentAt.low || message.sentAt.high : message.sentAt !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).int64(message.sentAt);
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch") && message.spoolEpoch !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.spoolEpoch);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Heartbeat message, length delimited. Does not implicitly {@link vigil.v1.Heartbeat.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {vigil.v1.Heartbeat.$Properties} message Heartbeat message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Heartbeat.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Heartbeat message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Heartbeat.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Heartbeat();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bdSeq = value;
                            else
                                delete message.bdSeq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.sentAt = value;
                            else
                                delete message.sentAt;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.spoolEpoch = value;
                            else
                                delete message.spoolEpoch;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Heartbeat message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Heartbeat.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Heartbeat message.
             * @function verify
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Heartbeat.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq"))
                    if (!$util.isInteger(message.bdSeq) && !(message.bdSeq && $util.isInteger(message.bdSeq.low) && $util.isInteger(message.bdSeq.high)))
                        return "bdSeq: integer|Long expected";
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt"))
                    if (!$util.isInteger(message.sentAt) && !(message.sentAt && $util.isInteger(message.sentAt.low) && $util.isInteger(message.sentAt.high)))
                        return "sentAt: integer|Long expected";
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    if (!$util.isString(message.spoolEpoch))
                        return "spoolEpoch: string expected";
                return null;
            };

            /**
             * Creates a Heartbeat message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Heartbeat} Heartbeat
             */
            Heartbeat.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Heartbeat)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Heartbeat: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Heartbeat();
                if (object.bdSeq != null)
                    if (typeof object.bdSeq === "object" ? object.bdSeq.low || object.bdSeq.high : $Number(object.bdSeq) !== 0)
                        if ($util.Long)
                            message.bdSeq = $util.Long.fromValue(object.bdSeq, true);
                        else if (typeof object.bdSeq === "string")
                            message.bdSeq = $parseInt(object.bdSeq, 10);
                        else if (typeof object.bdSeq === "number")
                            message.bdSeq = object.bdSeq;
                        else if (typeof object.bdSeq === "object")
                            message.bdSeq = new $util.LongBits(object.bdSeq.low >>> 0, object.bdSeq.high >>> 0).toNumber(true);
                if (object.sentAt != null)
                    if (typeof object.sentAt === "object" ? object.sentAt.low || object.sentAt.high : $Number(object.sentAt) !== 0)
                        if ($util.Long)
                            message.sentAt = $util.Long.fromValue(object.sentAt, false);
                        else if (typeof object.sentAt === "string")
                            message.sentAt = $parseInt(object.sentAt, 10);
                        else if (typeof object.sentAt === "number")
                            message.sentAt = object.sentAt;
                        else if (typeof object.sentAt === "object")
                            message.sentAt = new $util.LongBits(object.sentAt.low >>> 0, object.sentAt.high >>> 0).toNumber();
                if (object.spoolEpoch != null)
                    if (typeof object.spoolEpoch !== "string" || object.spoolEpoch.length)
                        message.spoolEpoch = $String(object.spoolEpoch);
                return message;
            };

            /**
             * Creates a plain object from a Heartbeat message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {vigil.v1.Heartbeat} message Heartbeat
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Heartbeat.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bdSeq = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bdSeq = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.sentAt = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.sentAt = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.spoolEpoch = "";
                }
                if (message.bdSeq != null && $Object.hasOwnProperty.call(message, "bdSeq"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bdSeq = typeof message.bdSeq === "number" ? $BigInt(message.bdSeq) : $util.Long.fromBits(message.bdSeq.low >>> 0, message.bdSeq.high >>> 0, true).toBigInt();
                    else if (typeof message.bdSeq === "number")
                        object.bdSeq = options.longs === $String ? $String(message.bdSeq) : message.bdSeq;
                    else
                        object.bdSeq = options.longs === $String ? $util.Long.prototype.toString.call(message.bdSeq) : options.longs === $Number ? new $util.LongBits(message.bdSeq.low >>> 0, message.bdSeq.high >>> 0).toNumber(true) : message.bdSeq;
                if (message.sentAt != null && $Object.hasOwnProperty.call(message, "sentAt"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.sentAt = typeof message.sentAt === "number" ? $BigInt(message.sentAt) : $util.Long.fromBits(message.sentAt.low >>> 0, message.sentAt.high >>> 0, false).toBigInt();
                    else if (typeof message.sentAt === "number")
                        object.sentAt = options.longs === $String ? $String(message.sentAt) : message.sentAt;
                    else
                        object.sentAt = options.longs === $String ? $util.Long.prototype.toString.call(message.sentAt) : options.longs === $Number ? new $util.LongBits(message.sentAt.low >>> 0, message.sentAt.high >>> 0).toNumber() : message.sentAt;
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    object.spoolEpoch = message.spoolEpoch;
                return object;
            };

            /**
             * Converts this Heartbeat to JSON.
             * @function toJSON
             * @memberof vigil.v1.Heartbeat
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Heartbeat.prototype.toJSON = function() {
                return Heartbeat.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Heartbeat
             * @function getTypeUrl
             * @memberof vigil.v1.Heartbeat
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Heartbeat.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Heartbeat";
            };

            return Heartbeat;
        })();

        /**
         * Code enum.
         * @name vigil.v1.Code
         * @enum {number}
         * @property {number} CODE_UNSPECIFIED=0 CODE_UNSPECIFIED value
         * @property {number} CODE_CAMERA_UNREACHABLE=1 CODE_CAMERA_UNREACHABLE value
         * @property {number} CODE_DRIVE_FULL=2 CODE_DRIVE_FULL value
         * @property {number} CODE_DRIVE_FILLING=3 CODE_DRIVE_FILLING value
         * @property {number} CODE_MEDIA_DB_WRITE_FAILURE=4 CODE_MEDIA_DB_WRITE_FAILURE value
         * @property {number} CODE_LICENCE_OVERRUN=5 CODE_LICENCE_OVERRUN value
         * @property {number} CODE_RECORDER_UNAVAILABLE=6 CODE_RECORDER_UNAVAILABLE value
         * @property {number} CODE_ARCHIVE_DELETE_FAILED=7 CODE_ARCHIVE_DELETE_FAILED value
         * @property {number} CODE_FILE_DELETE_FAILED=8 CODE_FILE_DELETE_FAILED value
         * @property {number} CODE_ARCHIVE_FATAL_ERROR=9 CODE_ARCHIVE_FATAL_ERROR value
         * @property {number} CODE_ARCHIVE_OPERATION_FAILED=10 CODE_ARCHIVE_OPERATION_FAILED value
         * @property {number} CODE_ARCHIVE_MOVE_FAILED=11 CODE_ARCHIVE_MOVE_FAILED value
         * @property {number} CODE_SERVICE_STOPPED=12 CODE_SERVICE_STOPPED value
         * @property {number} CODE_AGENT_DROPPED=13 CODE_AGENT_DROPPED value
         * @property {number} CODE_AGENT_CLOCK_OFF=14 CODE_AGENT_CLOCK_OFF value
         */
        v1.Code = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "CODE_UNSPECIFIED"] = 0;
            values[valuesById[1] = "CODE_CAMERA_UNREACHABLE"] = 1;
            values[valuesById[2] = "CODE_DRIVE_FULL"] = 2;
            values[valuesById[3] = "CODE_DRIVE_FILLING"] = 3;
            values[valuesById[4] = "CODE_MEDIA_DB_WRITE_FAILURE"] = 4;
            values[valuesById[5] = "CODE_LICENCE_OVERRUN"] = 5;
            values[valuesById[6] = "CODE_RECORDER_UNAVAILABLE"] = 6;
            values[valuesById[7] = "CODE_ARCHIVE_DELETE_FAILED"] = 7;
            values[valuesById[8] = "CODE_FILE_DELETE_FAILED"] = 8;
            values[valuesById[9] = "CODE_ARCHIVE_FATAL_ERROR"] = 9;
            values[valuesById[10] = "CODE_ARCHIVE_OPERATION_FAILED"] = 10;
            values[valuesById[11] = "CODE_ARCHIVE_MOVE_FAILED"] = 11;
            values[valuesById[12] = "CODE_SERVICE_STOPPED"] = 12;
            values[valuesById[13] = "CODE_AGENT_DROPPED"] = 13;
            values[valuesById[14] = "CODE_AGENT_CLOCK_OFF"] = 14;
            return values;
        })();

        /**
         * Severity enum.
         * @name vigil.v1.Severity
         * @enum {number}
         * @property {number} SEVERITY_UNSPECIFIED=0 SEVERITY_UNSPECIFIED value
         * @property {number} SEVERITY_INFO=1 SEVERITY_INFO value
         * @property {number} SEVERITY_WARNING=2 SEVERITY_WARNING value
         * @property {number} SEVERITY_ERROR=3 SEVERITY_ERROR value
         * @property {number} SEVERITY_CRITICAL=4 SEVERITY_CRITICAL value
         */
        v1.Severity = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "SEVERITY_UNSPECIFIED"] = 0;
            values[valuesById[1] = "SEVERITY_INFO"] = 1;
            values[valuesById[2] = "SEVERITY_WARNING"] = 2;
            values[valuesById[3] = "SEVERITY_ERROR"] = 3;
            values[valuesById[4] = "SEVERITY_CRITICAL"] = 4;
            return values;
        })();

        v1.Condition = (function() {

            /**
             * Properties of a Condition.
             * @typedef {Object} vigil.v1.Condition.$Properties
             * @property {vigil.v1.Code|null} [code] Condition code
             * @property {string|null} [subject] Condition subject
             * @property {boolean|null} [active] Condition active
             * @property {number|null} [at] Condition at
             * @property {vigil.v1.Severity|null} [severity] Condition severity
             * @property {string|null} [message] Condition message
             * @property {Object.<string,string>|null} [attributes] Condition attributes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Condition.
             * @memberof vigil.v1
             * @interface ICondition
             * @augments vigil.v1.Condition.$Properties
             * @deprecated Use vigil.v1.Condition.$Properties instead.
             */

            /**
             * Shape of a Condition.
             * @typedef {vigil.v1.Condition.$Properties} vigil.v1.Condition.$Shape
             */

            /**
             * Constructs a new Condition.
             * @memberof vigil.v1
             * @classdesc Represents a Condition.
             * @constructor
             * @param {vigil.v1.Condition.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Condition = function (properties) {
                this.attributes = {};
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Condition code.
             * @member {vigil.v1.Code} code
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.code = 0;

            /**
             * Condition subject.
             * @member {string} subject
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.subject = "";

            /**
             * Condition active.
             * @member {boolean} active
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.active = false;

            /**
             * Condition at.
             * @member {number} at
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.at = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Condition severity.
             * @member {vigil.v1.Severity} severity
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.severity = 0;

            /**
             * Condition message.
             * @member {string} message
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.message = "";

            /**
             * Condition attributes.
             * @member {Object.<string,string>} attributes
             * @memberof vigil.v1.Condition
             * @instance
             */
            Condition.prototype.attributes = $util.emptyObject;

            /**
             * Creates a new Condition instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Condition
             * @static
             * @param {vigil.v1.Condition.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Condition} Condition instance
             * @type {{
             *   (properties: vigil.v1.Condition.$Shape): vigil.v1.Condition & vigil.v1.Condition.$Shape;
             *   (properties?: vigil.v1.Condition.$Properties): vigil.v1.Condition;
             * }}
             */
            Condition.create = function(properties) {
                return new Condition(properties);
            };

            /**
             * Encodes the specified Condition message. Does not implicitly {@link vigil.v1.Condition.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Condition
             * @static
             * @param {vigil.v1.Condition.$Properties} message Condition message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Condition.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.code);
                if (message.subject != null && $Object.hasOwnProperty.call(message, "subject") && message.subject !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.subject);
                if (message.active != null && $Object.hasOwnProperty.call(message, "active") && message.active !== false)
                    writer.uint32(/* id 3, wireType 0 =*/24).bool(message.active);
                if (message.at != null && $Object.hasOwnProperty.call(message, "at") && (typeof message.at === "object" ? message.at.low || message.at.high : message.at !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).int64(message.at);
                if (message.severity != null && $Object.hasOwnProperty.call(message, "severity") && message.severity !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).int32(message.severity);
                if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.message);
                if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes"))
                    for (let keys = $Object.keys(message.attributes), i = 0; i < keys.length; ++i)
                        writer.uint32(/* id 7, wireType 2 =*/58).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.attributes[keys[i]]).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Condition message, length delimited. Does not implicitly {@link vigil.v1.Condition.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Condition
             * @static
             * @param {vigil.v1.Condition.$Properties} message Condition message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Condition.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Condition message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Condition
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Condition & vigil.v1.Condition.$Shape} Condition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Condition.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, key, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Condition();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.subject = value;
                            else
                                delete message.subject;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.active = value;
                            else
                                delete message.active;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.at = value;
                            else
                                delete message.at;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.severity = value;
                            else
                                delete message.severity;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.message = value;
                            else
                                delete message.message;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if (message.attributes === $util.emptyObject)
                                message.attributes = {};
                            let end2 = reader.size() + reader.pos;
                            if (end2 > reader.len)
                                throw $RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = "";
                            while (reader.pos < end2) {
                                let tag2 = reader.tag();
                                wireType = tag2 & 7;
                                switch (tag2 >>>= 3) {
                                case 1:
                                    if (wireType !== 2)
                                        break;
                                    key = reader.stringVerify();
                                    continue;
                                case 2:
                                    if (wireType !== 2)
                                        break;
                                    value = reader.stringVerify();
                                    continue;
                                }
                                reader.skipType(wireType, _depth, tag2);
                            }
                            if (reader.pos !== end2)
                                throw $RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.attributes, key);
                            message.attributes[key] = value;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Condition message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Condition
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Condition & vigil.v1.Condition.$Shape} Condition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Condition.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Condition message.
             * @function verify
             * @memberof vigil.v1.Condition
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Condition.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
                    if (typeof message.code !== "number" || (message.code | 0) !== message.code)
                        return "code: enum value expected";
                if (message.subject != null && $Object.hasOwnProperty.call(message, "subject"))
                    if (!$util.isString(message.subject))
                        return "subject: string expected";
                if (message.active != null && $Object.hasOwnProperty.call(message, "active"))
                    if (typeof message.active !== "boolean")
                        return "active: boolean expected";
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (!$util.isInteger(message.at) && !(message.at && $util.isInteger(message.at.low) && $util.isInteger(message.at.high)))
                        return "at: integer|Long expected";
                if (message.severity != null && $Object.hasOwnProperty.call(message, "severity"))
                    if (typeof message.severity !== "number" || (message.severity | 0) !== message.severity)
                        return "severity: enum value expected";
                if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
                    if (!$util.isString(message.message))
                        return "message: string expected";
                if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes")) {
                    if (!$util.isObject(message.attributes))
                        return "attributes: object expected";
                    let key = $Object.keys(message.attributes);
                    for (let i = 0; i < key.length; ++i)
                        if (!$util.isString(message.attributes[key[i]]))
                            return "attributes: string{k:string} expected";
                }
                return null;
            };

            /**
             * Creates a Condition message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Condition
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Condition} Condition
             */
            Condition.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Condition)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Condition: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Condition();
                if (object.code !== 0 && (typeof object.code !== "string" || $root.vigil.v1.Code[object.code] !== 0))
                    switch (object.code) {
                    case "CODE_UNSPECIFIED":
                    case 0:
                        message.code = 0;
                        break;
                    case "CODE_CAMERA_UNREACHABLE":
                    case 1:
                        message.code = 1;
                        break;
                    case "CODE_DRIVE_FULL":
                    case 2:
                        message.code = 2;
                        break;
                    case "CODE_DRIVE_FILLING":
                    case 3:
                        message.code = 3;
                        break;
                    case "CODE_MEDIA_DB_WRITE_FAILURE":
                    case 4:
                        message.code = 4;
                        break;
                    case "CODE_LICENCE_OVERRUN":
                    case 5:
                        message.code = 5;
                        break;
                    case "CODE_RECORDER_UNAVAILABLE":
                    case 6:
                        message.code = 6;
                        break;
                    case "CODE_ARCHIVE_DELETE_FAILED":
                    case 7:
                        message.code = 7;
                        break;
                    case "CODE_FILE_DELETE_FAILED":
                    case 8:
                        message.code = 8;
                        break;
                    case "CODE_ARCHIVE_FATAL_ERROR":
                    case 9:
                        message.code = 9;
                        break;
                    case "CODE_ARCHIVE_OPERATION_FAILED":
                    case 10:
                        message.code = 10;
                        break;
                    case "CODE_ARCHIVE_MOVE_FAILED":
                    case 11:
                        message.code = 11;
                        break;
                    case "CODE_SERVICE_STOPPED":
                    case 12:
                        message.code = 12;
                        break;
                    case "CODE_AGENT_DROPPED":
                    case 13:
                        message.code = 13;
                        break;
                    case "CODE_AGENT_CLOCK_OFF":
                    case 14:
                        message.code = 14;
                        break;
                    default:
                        if (typeof object.code === "number" && (object.code | 0) === object.code)
                            message.code = object.code;
                    }
                if (object.subject != null)
                    if (typeof object.subject !== "string" || object.subject.length)
                        message.subject = $String(object.subject);
                if (object.active != null)
                    if (object.active)
                        message.active = $Boolean(object.active);
                if (object.at != null)
                    if (typeof object.at === "object" ? object.at.low || object.at.high : $Number(object.at) !== 0)
                        if ($util.Long)
                            message.at = $util.Long.fromValue(object.at, false);
                        else if (typeof object.at === "string")
                            message.at = $parseInt(object.at, 10);
                        else if (typeof object.at === "number")
                            message.at = object.at;
                        else if (typeof object.at === "object")
                            message.at = new $util.LongBits(object.at.low >>> 0, object.at.high >>> 0).toNumber();
                if (object.severity !== 0 && (typeof object.severity !== "string" || $root.vigil.v1.Severity[object.severity] !== 0))
                    switch (object.severity) {
                    case "SEVERITY_UNSPECIFIED":
                    case 0:
                        message.severity = 0;
                        break;
                    case "SEVERITY_INFO":
                    case 1:
                        message.severity = 1;
                        break;
                    case "SEVERITY_WARNING":
                    case 2:
                        message.severity = 2;
                        break;
                    case "SEVERITY_ERROR":
                    case 3:
                        message.severity = 3;
                        break;
                    case "SEVERITY_CRITICAL":
                    case 4:
                        message.severity = 4;
                        break;
                    default:
                        if (typeof object.severity === "number" && (object.severity | 0) === object.severity)
                            message.severity = object.severity;
                    }
                if (object.message != null)
                    if (typeof object.message !== "string" || object.message.length)
                        message.message = $String(object.message);
                if (object.attributes) {
                    if (!$util.isObject(object.attributes))
                        throw $TypeError(".vigil.v1.Condition.attributes: object expected");
                    message.attributes = {};
                    for (let keys = $Object.keys(object.attributes), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.attributes, keys[i]);
                        message.attributes[keys[i]] = $String(object.attributes[keys[i]]);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from a Condition message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Condition
             * @static
             * @param {vigil.v1.Condition} message Condition
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Condition.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.objects || options.defaults)
                    object.attributes = {};
                if (options.defaults) {
                    object.code = options.enums === $String ? "CODE_UNSPECIFIED" : 0;
                    object.subject = "";
                    object.active = false;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.at = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.at = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.severity = options.enums === $String ? "SEVERITY_UNSPECIFIED" : 0;
                    object.message = "";
                }
                if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
                    object.code = options.enums === $String ? $root.vigil.v1.Code[message.code] === $undefined ? message.code : $root.vigil.v1.Code[message.code] : message.code;
                if (message.subject != null && $Object.hasOwnProperty.call(message, "subject"))
                    object.subject = message.subject;
                if (message.active != null && $Object.hasOwnProperty.call(message, "active"))
                    object.active = message.active;
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.at = typeof message.at === "number" ? $BigInt(message.at) : $util.Long.fromBits(message.at.low >>> 0, message.at.high >>> 0, false).toBigInt();
                    else if (typeof message.at === "number")
                        object.at = options.longs === $String ? $String(message.at) : message.at;
                    else
                        object.at = options.longs === $String ? $util.Long.prototype.toString.call(message.at) : options.longs === $Number ? new $util.LongBits(message.at.low >>> 0, message.at.high >>> 0).toNumber() : message.at;
                if (message.severity != null && $Object.hasOwnProperty.call(message, "severity"))
                    object.severity = options.enums === $String ? $root.vigil.v1.Severity[message.severity] === $undefined ? message.severity : $root.vigil.v1.Severity[message.severity] : message.severity;
                if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
                    object.message = message.message;
                let keys2;
                if (message.attributes && (keys2 = $Object.keys(message.attributes)).length) {
                    object.attributes = {};
                    for (let j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.attributes, keys2[j]);
                        object.attributes[keys2[j]] = message.attributes[keys2[j]];
                    }
                }
                return object;
            };

            /**
             * Converts this Condition to JSON.
             * @function toJSON
             * @memberof vigil.v1.Condition
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Condition.prototype.toJSON = function() {
                return Condition.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Condition
             * @function getTypeUrl
             * @memberof vigil.v1.Condition
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Condition.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Condition";
            };

            return Condition;
        })();

        v1.Event = (function() {

            /**
             * Properties of an Event.
             * @typedef {Object} vigil.v1.Event.$Properties
             * @property {vigil.v1.Code|null} [code] Event code
             * @property {string|null} [subject] Event subject
             * @property {number|null} [firstSeen] Event firstSeen
             * @property {number|null} [lastSeen] Event lastSeen
             * @property {number|null} [count] Event count
             * @property {vigil.v1.Severity|null} [severity] Event severity
             * @property {string|null} [message] Event message
             * @property {Object.<string,string>|null} [attributes] Event attributes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Event.
             * @memberof vigil.v1
             * @interface IEvent
             * @augments vigil.v1.Event.$Properties
             * @deprecated Use vigil.v1.Event.$Properties instead.
             */

            /**
             * Shape of an Event.
             * @typedef {vigil.v1.Event.$Properties} vigil.v1.Event.$Shape
             */

            /**
             * Constructs a new Event.
             * @memberof vigil.v1
             * @classdesc Represents an Event.
             * @constructor
             * @param {vigil.v1.Event.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Event = function (properties) {
                this.attributes = {};
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Event code.
             * @member {vigil.v1.Code} code
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.code = 0;

            /**
             * Event subject.
             * @member {string} subject
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.subject = "";

            /**
             * Event firstSeen.
             * @member {number} firstSeen
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.firstSeen = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Event lastSeen.
             * @member {number} lastSeen
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.lastSeen = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Event count.
             * @member {number} count
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.count = 0;

            /**
             * Event severity.
             * @member {vigil.v1.Severity} severity
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.severity = 0;

            /**
             * Event message.
             * @member {string} message
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.message = "";

            /**
             * Event attributes.
             * @member {Object.<string,string>} attributes
             * @memberof vigil.v1.Event
             * @instance
             */
            Event.prototype.attributes = $util.emptyObject;

            /**
             * Creates a new Event instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Event
             * @static
             * @param {vigil.v1.Event.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Event} Event instance
             * @type {{
             *   (properties: vigil.v1.Event.$Shape): vigil.v1.Event & vigil.v1.Event.$Shape;
             *   (properties?: vigil.v1.Event.$Properties): vigil.v1.Event;
             * }}
             */
            Event.create = function(properties) {
                return new Event(properties);
            };

            /**
             * Encodes the specified Event message. Does not implicitly {@link vigil.v1.Event.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Event
             * @static
             * @param {vigil.v1.Event.$Properties} message Event message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Event.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.code);
                if (message.subject != null && $Object.hasOwnProperty.call(message, "subject") && message.subject !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.subject);
                if (message.firstSeen != null && $Object.hasOwnProperty.call(message, "firstSeen") && (typeof message.firstSeen === "object" ? message.firstSeen.low || message.firstSeen.high : message.firstSeen !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).int64(message.firstSeen);
                if (message.lastSeen != null && $Object.hasOwnProperty.call(message, "lastSeen") && (typeof message.lastSeen === "object" ? message.lastSeen.low || message.lastSeen.high : message.lastSeen !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).int64(message.lastSeen);
                if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.count);
                if (message.severity != null && $Object.hasOwnProperty.call(message, "severity") && message.severity !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).int32(message.severity);
                if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.message);
                if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes"))
                    for (let keys = $Object.keys(message.attributes), i = 0; i < keys.length; ++i)
                        writer.uint32(/* id 8, wireType 2 =*/66).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.attributes[keys[i]]).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Event message, length delimited. Does not implicitly {@link vigil.v1.Event.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Event
             * @static
             * @param {vigil.v1.Event.$Properties} message Event message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Event.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Event message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Event
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Event & vigil.v1.Event.$Shape} Event
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Event.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, key, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Event();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.subject = value;
                            else
                                delete message.subject;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.firstSeen = value;
                            else
                                delete message.firstSeen;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.lastSeen = value;
                            else
                                delete message.lastSeen;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.count = value;
                            else
                                delete message.count;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.severity = value;
                            else
                                delete message.severity;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.message = value;
                            else
                                delete message.message;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if (message.attributes === $util.emptyObject)
                                message.attributes = {};
                            let end2 = reader.size() + reader.pos;
                            if (end2 > reader.len)
                                throw $RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = "";
                            while (reader.pos < end2) {
                                let tag2 = reader.tag();
                                wireType = tag2 & 7;
                                switch (tag2 >>>= 3) {
                                case 1:
                                    if (wireType !== 2)
                                        break;
                                    key = reader.stringVerify();
                                    continue;
                                case 2:
                                    if (wireType !== 2)
                                        break;
                                    value = reader.stringVerify();
                                    continue;
                                }
                                reader.skipType(wireType, _depth, tag2);
                            }
                            if (reader.pos !== end2)
                                throw $RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.attributes, key);
                            message.attributes[key] = value;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes an Event message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Event
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Event & vigil.v1.Event.$Shape} Event
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Event.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Event message.
             * @function verify
             * @memberof vigil.v1.Event
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Event.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
                    if (typeof message.code !== "number" || (message.code | 0) !== message.code)
                        return "code: enum value expected";
                if (message.subject != null && $Object.hasOwnProperty.call(message, "subject"))
                    if (!$util.isString(message.subject))
                        return "subject: string expected";
                if (message.firstSeen != null && $Object.hasOwnProperty.call(message, "firstSeen"))
                    if (!$util.isInteger(message.firstSeen) && !(message.firstSeen && $util.isInteger(message.firstSeen.low) && $util.isInteger(message.firstSeen.high)))
                        return "firstSeen: integer|Long expected";
                if (message.lastSeen != null && $Object.hasOwnProperty.call(message, "lastSeen"))
                    if (!$util.isInteger(message.lastSeen) && !(message.lastSeen && $util.isInteger(message.lastSeen.low) && $util.isInteger(message.lastSeen.high)))
                        return "lastSeen: integer|Long expected";
                if (message.count != null && $Object.hasOwnProperty.call(message, "count"))
                    if (!$util.isInteger(message.count))
                        return "count: integer expected";
                if (message.severity != null && $Object.hasOwnProperty.call(message, "severity"))
                    if (typeof message.severity !== "number" || (message.severity | 0) !== message.severity)
                        return "severity: enum value expected";
                if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
                    if (!$util.isString(message.message))
                        return "message: string expected";
                if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes")) {
                    if (!$util.isObject(message.attributes))
                        return "attributes: object expected";
                    let key = $Object.keys(message.attributes);
                    for (let i = 0; i < key.length; ++i)
                        if (!$util.isString(message.attributes[key[i]]))
                            return "attributes: string{k:string} expected";
                }
                return null;
            };

            /**
             * Creates an Event message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Event
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Event} Event
             */
            Event.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Event)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Event: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Event();
                if (object.code !== 0 && (typeof object.code !== "string" || $root.vigil.v1.Code[object.code] !== 0))
                    switch (object.code) {
                    case "CODE_UNSPECIFIED":
                    case 0:
                        message.code = 0;
                        break;
                    case "CODE_CAMERA_UNREACHABLE":
                    case 1:
                        message.code = 1;
                        break;
                    case "CODE_DRIVE_FULL":
                    case 2:
                        message.code = 2;
                        break;
                    case "CODE_DRIVE_FILLING":
                    case 3:
                        message.code = 3;
                        break;
                    case "CODE_MEDIA_DB_WRITE_FAILURE":
                    case 4:
                        message.code = 4;
                        break;
                    case "CODE_LICENCE_OVERRUN":
                    case 5:
                        message.code = 5;
                        break;
                    case "CODE_RECORDER_UNAVAILABLE":
                    case 6:
                        message.code = 6;
                        break;
                    case "CODE_ARCHIVE_DELETE_FAILED":
                    case 7:
                        message.code = 7;
                        break;
                    case "CODE_FILE_DELETE_FAILED":
                    case 8:
                        message.code = 8;
                        break;
                    case "CODE_ARCHIVE_FATAL_ERROR":
                    case 9:
                        message.code = 9;
                        break;
                    case "CODE_ARCHIVE_OPERATION_FAILED":
                    case 10:
                        message.code = 10;
                        break;
                    case "CODE_ARCHIVE_MOVE_FAILED":
                    case 11:
                        message.code = 11;
                        break;
                    case "CODE_SERVICE_STOPPED":
                    case 12:
                        message.code = 12;
                        break;
                    case "CODE_AGENT_DROPPED":
                    case 13:
                        message.code = 13;
                        break;
                    case "CODE_AGENT_CLOCK_OFF":
                    case 14:
                        message.code = 14;
                        break;
                    default:
                        if (typeof object.code === "number" && (object.code | 0) === object.code)
                            message.code = object.code;
                    }
                if (object.subject != null)
                    if (typeof object.subject !== "string" || object.subject.length)
                        message.subject = $String(object.subject);
                if (object.firstSeen != null)
                    if (typeof object.firstSeen === "object" ? object.firstSeen.low || object.firstSeen.high : $Number(object.firstSeen) !== 0)
                        if ($util.Long)
                            message.firstSeen = $util.Long.fromValue(object.firstSeen, false);
                        else if (typeof object.firstSeen === "string")
                            message.firstSeen = $parseInt(object.firstSeen, 10);
                        else if (typeof object.firstSeen === "number")
                            message.firstSeen = object.firstSeen;
                        else if (typeof object.firstSeen === "object")
                            message.firstSeen = new $util.LongBits(object.firstSeen.low >>> 0, object.firstSeen.high >>> 0).toNumber();
                if (object.lastSeen != null)
                    if (typeof object.lastSeen === "object" ? object.lastSeen.low || object.lastSeen.high : $Number(object.lastSeen) !== 0)
                        if ($util.Long)
                            message.lastSeen = $util.Long.fromValue(object.lastSeen, false);
                        else if (typeof object.lastSeen === "string")
                            message.lastSeen = $parseInt(object.lastSeen, 10);
                        else if (typeof object.lastSeen === "number")
                            message.lastSeen = object.lastSeen;
                        else if (typeof object.lastSeen === "object")
                            message.lastSeen = new $util.LongBits(object.lastSeen.low >>> 0, object.lastSeen.high >>> 0).toNumber();
                if (object.count != null)
                    if ($Number(object.count) !== 0)
                        message.count = object.count >>> 0;
                if (object.severity !== 0 && (typeof object.severity !== "string" || $root.vigil.v1.Severity[object.severity] !== 0))
                    switch (object.severity) {
                    case "SEVERITY_UNSPECIFIED":
                    case 0:
                        message.severity = 0;
                        break;
                    case "SEVERITY_INFO":
                    case 1:
                        message.severity = 1;
                        break;
                    case "SEVERITY_WARNING":
                    case 2:
                        message.severity = 2;
                        break;
                    case "SEVERITY_ERROR":
                    case 3:
                        message.severity = 3;
                        break;
                    case "SEVERITY_CRITICAL":
                    case 4:
                        message.severity = 4;
                        break;
                    default:
                        if (typeof object.severity === "number" && (object.severity | 0) === object.severity)
                            message.severity = object.severity;
                    }
                if (object.message != null)
                    if (typeof object.message !== "string" || object.message.length)
                        message.message = $String(object.message);
                if (object.attributes) {
                    if (!$util.isObject(object.attributes))
                        throw $TypeError(".vigil.v1.Event.attributes: object expected");
                    message.attributes = {};
                    for (let keys = $Object.keys(object.attributes), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.attributes, keys[i]);
                        message.attributes[keys[i]] = $String(object.attributes[keys[i]]);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from an Event message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Event
             * @static
             * @param {vigil.v1.Event} message Event
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Event.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.objects || options.defaults)
                    object.attributes = {};
                if (options.defaults) {
                    object.code = options.enums === $String ? "CODE_UNSPECIFIED" : 0;
                    object.subject = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.firstSeen = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.firstSeen = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.lastSeen = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.lastSeen = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.count = 0;
                    object.severity = options.enums === $String ? "SEVERITY_UNSPECIFIED" : 0;
                    object.message = "";
                }
                if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
                    object.code = options.enums === $String ? $root.vigil.v1.Code[message.code] === $undefined ? message.code : $root.vigil.v1.Code[message.code] : message.code;
                if (message.subject != null && $Object.hasOwnProperty.call(message, "subject"))
                    object.subject = message.subject;
                if (message.firstSeen != null && $Object.hasOwnProperty.call(message, "firstSeen"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.firstSeen = typeof message.firstSeen === "number" ? $BigInt(message.firstSeen) : $util.Long.fromBits(message.firstSeen.low >>> 0, message.firstSeen.high >>> 0, false).toBigInt();
                    else if (typeof message.firstSeen === "number")
                        object.firstSeen = options.longs === $String ? $String(message.firstSeen) : message.firstSeen;
                    else
                        object.firstSeen = options.longs === $String ? $util.Long.prototype.toString.call(message.firstSeen) : options.longs === $Number ? new $util.LongBits(message.firstSeen.low >>> 0, message.firstSeen.high >>> 0).toNumber() : message.firstSeen;
                if (message.lastSeen != null && $Object.hasOwnProperty.call(message, "lastSeen"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.lastSeen = typeof message.lastSeen === "number" ? $BigInt(message.lastSeen) : $util.Long.fromBits(message.lastSeen.low >>> 0, message.lastSeen.high >>> 0, false).toBigInt();
                    else if (typeof message.lastSeen === "number")
                        object.lastSeen = options.longs === $String ? $String(message.lastSeen) : message.lastSeen;
                    else
                        object.lastSeen = options.longs === $String ? $util.Long.prototype.toString.call(message.lastSeen) : options.longs === $Number ? new $util.LongBits(message.lastSeen.low >>> 0, message.lastSeen.high >>> 0).toNumber() : message.lastSeen;
                if (message.count != null && $Object.hasOwnProperty.call(message, "count"))
                    object.count = message.count;
                if (message.severity != null && $Object.hasOwnProperty.call(message, "severity"))
                    object.severity = options.enums === $String ? $root.vigil.v1.Severity[message.severity] === $undefined ? message.severity : $root.vigil.v1.Severity[message.severity] : message.severity;
                if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
                    object.message = message.message;
                let keys2;
                if (message.attributes && (keys2 = $Object.keys(message.attributes)).length) {
                    object.attributes = {};
                    for (let j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.attributes, keys2[j]);
                        object.attributes[keys2[j]] = message.attributes[keys2[j]];
                    }
                }
                return object;
            };

            /**
             * Converts this Event to JSON.
             * @function toJSON
             * @memberof vigil.v1.Event
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Event.prototype.toJSON = function() {
                return Event.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Event
             * @function getTypeUrl
             * @memberof vigil.v1.Event
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Event.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Event";
            };

            return Event;
        })();

        v1.DiskReading = (function() {

            /**
             * Properties of a DiskReading.
             * @typedef {Object} vigil.v1.DiskReading.$Properties
             * @property {string|null} [path] DiskReading path
             * @property {number|null} [at] DiskReading at
             * @property {number|null} [totalBytes] DiskReading totalBytes
             * @property {number|null} [freeBytes] DiskReading freeBytes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DiskReading.
             * @memberof vigil.v1
             * @interface IDiskReading
             * @augments vigil.v1.DiskReading.$Properties
             * @deprecated Use vigil.v1.DiskReading.$Properties instead.
             */

            /**
             * Shape of a DiskReading.
             * @typedef {vigil.v1.DiskReading.$Properties} vigil.v1.DiskReading.$Shape
             */

            /**
             * Constructs a new DiskReading.
             * @memberof vigil.v1
             * @classdesc Represents a DiskReading.
             * @constructor
             * @param {vigil.v1.DiskReading.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DiskReading = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * DiskReading path.
             * @member {string} path
             * @memberof vigil.v1.DiskReading
             * @instance
             */
            DiskReading.prototype.path = "";

            /**
             * DiskReading at.
             * @member {number} at
             * @memberof vigil.v1.DiskReading
             * @instance
             */
            DiskReading.prototype.at = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * DiskReading totalBytes.
             * @member {number} totalBytes
             * @memberof vigil.v1.DiskReading
             * @instance
             */
            DiskReading.prototype.totalBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DiskReading freeBytes.
             * @member {number} freeBytes
             * @memberof vigil.v1.DiskReading
             * @instance
             */
            DiskReading.prototype.freeBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new DiskReading instance using the specified properties.
             * @function create
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {vigil.v1.DiskReading.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.DiskReading} DiskReading instance
             * @type {{
             *   (properties: vigil.v1.DiskReading.$Shape): vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape;
             *   (properties?: vigil.v1.DiskReading.$Properties): vigil.v1.DiskReading;
             * }}
             */
            DiskReading.create = function(properties) {
                return new DiskReading(properties);
            };

            /**
             * Encodes the specified DiskReading message. Does not implicitly {@link vigil.v1.DiskReading.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {vigil.v1.DiskReading.$Properties} message DiskReading message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DiskReading.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.path);
                if (message.at != null && $Object.hasOwnProperty.call(message, "at") && (typeof message.at === "object" ? message.at.low || message.at.high : message.at !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).int64(message.at);
                if (message.totalBytes != null && $Object.hasOwnProperty.call(message, "totalBytes") && (typeof message.totalBytes === "object" ? message.totalBytes.low || message.totalBytes.high : message.totalBytes !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.totalBytes);
                if (message.freeBytes != null && $Object.hasOwnProperty.call(message, "freeBytes") && (typeof message.freeBytes === "object" ? message.freeBytes.low || message.freeBytes.high : message.freeBytes !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.freeBytes);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified DiskReading message, length delimited. Does not implicitly {@link vigil.v1.DiskReading.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {vigil.v1.DiskReading.$Properties} message DiskReading message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DiskReading.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a DiskReading message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape} DiskReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DiskReading.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.DiskReading();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.path = value;
                            else
                                delete message.path;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.at = value;
                            else
                                delete message.at;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.totalBytes = value;
                            else
                                delete message.totalBytes;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.freeBytes = value;
                            else
                                delete message.freeBytes;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a DiskReading message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape} DiskReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DiskReading.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a DiskReading message.
             * @function verify
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            DiskReading.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.path != null && $Object.hasOwnProperty.call(message, "path"))
                    if (!$util.isString(message.path))
                        return "path: string expected";
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (!$util.isInteger(message.at) && !(message.at && $util.isInteger(message.at.low) && $util.isInteger(message.at.high)))
                        return "at: integer|Long expected";
                if (message.totalBytes != null && $Object.hasOwnProperty.call(message, "totalBytes"))
                    if (!$util.isInteger(message.totalBytes) && !(message.totalBytes && $util.isInteger(message.totalBytes.low) && $util.isInteger(message.totalBytes.high)))
                        return "totalBytes: integer|Long expected";
                if (message.freeBytes != null && $Object.hasOwnProperty.call(message, "freeBytes"))
                    if (!$util.isInteger(message.freeBytes) && !(message.freeBytes && $util.isInteger(message.freeBytes.low) && $util.isInteger(message.freeBytes.high)))
                        return "freeBytes: integer|Long expected";
                return null;
            };

            /**
             * Creates a DiskReading message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.DiskReading} DiskReading
             */
            DiskReading.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.DiskReading)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.DiskReading: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.DiskReading();
                if (object.path != null)
                    if (typeof object.path !== "string" || object.path.length)
                        message.path = $String(object.path);
                if (object.at != null)
                    if (typeof object.at === "object" ? object.at.low || object.at.high : $Number(object.at) !== 0)
                        if ($util.Long)
                            message.at = $util.Long.fromValue(object.at, false);
                        else if (typeof object.at === "string")
                            message.at = $parseInt(object.at, 10);
                        else if (typeof object.at === "number")
                            message.at = object.at;
                        else if (typeof object.at === "object")
                            message.at = new $util.LongBits(object.at.low >>> 0, object.at.high >>> 0).toNumber();
                if (object.totalBytes != null)
                    if (typeof object.totalBytes === "object" ? object.totalBytes.low || object.totalBytes.high : $Number(object.totalBytes) !== 0)
                        if ($util.Long)
                            message.totalBytes = $util.Long.fromValue(object.totalBytes, true);
                        else if (typeof object.totalBytes === "string")
                            message.totalBytes = $parseInt(object.totalBytes, 10);
                        else if (typeof object.totalBytes === "number")
                            message.totalBytes = object.totalBytes;
                        else if (typeof object.totalBytes === "object")
                            message.totalBytes = new $util.LongBits(object.totalBytes.low >>> 0, object.totalBytes.high >>> 0).toNumber(true);
                if (object.freeBytes != null)
                    if (typeof object.freeBytes === "object" ? object.freeBytes.low || object.freeBytes.high : $Number(object.freeBytes) !== 0)
                        if ($util.Long)
                            message.freeBytes = $util.Long.fromValue(object.freeBytes, true);
                        else if (typeof object.freeBytes === "string")
                            message.freeBytes = $parseInt(object.freeBytes, 10);
                        else if (typeof object.freeBytes === "number")
                            message.freeBytes = object.freeBytes;
                        else if (typeof object.freeBytes === "object")
                            message.freeBytes = new $util.LongBits(object.freeBytes.low >>> 0, object.freeBytes.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a DiskReading message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {vigil.v1.DiskReading} message DiskReading
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            DiskReading.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.path = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.at = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.at = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.totalBytes = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.totalBytes = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.freeBytes = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.freeBytes = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.path != null && $Object.hasOwnProperty.call(message, "path"))
                    object.path = message.path;
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.at = typeof message.at === "number" ? $BigInt(message.at) : $util.Long.fromBits(message.at.low >>> 0, message.at.high >>> 0, false).toBigInt();
                    else if (typeof message.at === "number")
                        object.at = options.longs === $String ? $String(message.at) : message.at;
                    else
                        object.at = options.longs === $String ? $util.Long.prototype.toString.call(message.at) : options.longs === $Number ? new $util.LongBits(message.at.low >>> 0, message.at.high >>> 0).toNumber() : message.at;
                if (message.totalBytes != null && $Object.hasOwnProperty.call(message, "totalBytes"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.totalBytes = typeof message.totalBytes === "number" ? $BigInt(message.totalBytes) : $util.Long.fromBits(message.totalBytes.low >>> 0, message.totalBytes.high >>> 0, true).toBigInt();
                    else if (typeof message.totalBytes === "number")
                        object.totalBytes = options.longs === $String ? $String(message.totalBytes) : message.totalBytes;
                    else
                        object.totalBytes = options.longs === $String ? $util.Long.prototype.toString.call(message.totalBytes) : options.longs === $Number ? new $util.LongBits(message.totalBytes.low >>> 0, message.totalBytes.high >>> 0).toNumber(true) : message.totalBytes;
                if (message.freeBytes != null && $Object.hasOwnProperty.call(message, "freeBytes"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.freeBytes = typeof message.freeBytes === "number" ? $BigInt(message.freeBytes) : $util.Long.fromBits(message.freeBytes.low >>> 0, message.freeBytes.high >>> 0, true).toBigInt();
                    else if (typeof message.freeBytes === "number")
                        object.freeBytes = options.longs === $String ? $String(message.freeBytes) : message.freeBytes;
                    else
                        object.freeBytes = options.longs === $String ? $util.Long.prototype.toString.call(message.freeBytes) : options.longs === $Number ? new $util.LongBits(message.freeBytes.low >>> 0, message.freeBytes.high >>> 0).toNumber(true) : message.freeBytes;
                return object;
            };

            /**
             * Converts this DiskReading to JSON.
             * @function toJSON
             * @memberof vigil.v1.DiskReading
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            DiskReading.prototype.toJSON = function() {
                return DiskReading.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for DiskReading
             * @function getTypeUrl
             * @memberof vigil.v1.DiskReading
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DiskReading.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.DiskReading";
            };

            return DiskReading;
        })();

        v1.ServiceReading = (function() {

            /**
             * Properties of a ServiceReading.
             * @typedef {Object} vigil.v1.ServiceReading.$Properties
             * @property {string|null} [name] ServiceReading name
             * @property {number|null} [at] ServiceReading at
             * @property {boolean|null} [running] ServiceReading running
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ServiceReading.
             * @memberof vigil.v1
             * @interface IServiceReading
             * @augments vigil.v1.ServiceReading.$Properties
             * @deprecated Use vigil.v1.ServiceReading.$Properties instead.
             */

            /**
             * Shape of a ServiceReading.
             * @typedef {vigil.v1.ServiceReading.$Properties} vigil.v1.ServiceReading.$Shape
             */

            /**
             * Constructs a new ServiceReading.
             * @memberof vigil.v1
             * @classdesc Represents a ServiceReading.
             * @constructor
             * @param {vigil.v1.ServiceReading.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ServiceReading = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * ServiceReading name.
             * @member {string} name
             * @memberof vigil.v1.ServiceReading
             * @instance
             */
            ServiceReading.prototype.name = "";

            /**
             * ServiceReading at.
             * @member {number} at
             * @memberof vigil.v1.ServiceReading
             * @instance
             */
            ServiceReading.prototype.at = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * ServiceReading running.
             * @member {boolean} running
             * @memberof vigil.v1.ServiceReading
             * @instance
             */
            ServiceReading.prototype.running = false;

            /**
             * Creates a new ServiceReading instance using the specified properties.
             * @function create
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {vigil.v1.ServiceReading.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.ServiceReading} ServiceReading instance
             * @type {{
             *   (properties: vigil.v1.ServiceReading.$Shape): vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape;
             *   (properties?: vigil.v1.ServiceReading.$Properties): vigil.v1.ServiceReading;
             * }}
             */
            ServiceReading.create = function(properties) {
                return new ServiceReading(properties);
            };

            /**
             * Encodes the specified ServiceReading message. Does not implicitly {@link vigil.v1.ServiceReading.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {vigil.v1.ServiceReading.$Properties} message ServiceReading message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceReading.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
                if (message.at != null && $Object.hasOwnProperty.call(message, "at") && (typeof message.at === "object" ? message.at.low || message.at.high : message.at !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).int64(message.at);
                if (message.running != null && $Object.hasOwnProperty.call(message, "running") && message.running !== false)
                    writer.uint32(/* id 3, wireType 0 =*/24).bool(message.running);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified ServiceReading message, length delimited. Does not implicitly {@link vigil.v1.ServiceReading.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {vigil.v1.ServiceReading.$Properties} message ServiceReading message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ServiceReading.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a ServiceReading message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape} ServiceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceReading.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.ServiceReading();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.at = value;
                            else
                                delete message.at;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.running = value;
                            else
                                delete message.running;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a ServiceReading message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape} ServiceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ServiceReading.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a ServiceReading message.
             * @function verify
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            ServiceReading.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    if (!$util.isString(message.name))
                        return "name: string expected";
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (!$util.isInteger(message.at) && !(message.at && $util.isInteger(message.at.low) && $util.isInteger(message.at.high)))
                        return "at: integer|Long expected";
                if (message.running != null && $Object.hasOwnProperty.call(message, "running"))
                    if (typeof message.running !== "boolean")
                        return "running: boolean expected";
                return null;
            };

            /**
             * Creates a ServiceReading message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.ServiceReading} ServiceReading
             */
            ServiceReading.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.ServiceReading)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.ServiceReading: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.ServiceReading();
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.at != null)
                    if (typeof object.at === "object" ? object.at.low || object.at.high : $Number(object.at) !== 0)
                        if ($util.Long)
                            message.at = $util.Long.fromValue(object.at, false);
                        else if (typeof object.at === "string")
                            message.at = $parseInt(object.at, 10);
                        else if (typeof object.at === "number")
                            message.at = object.at;
                        else if (typeof object.at === "object")
                            message.at = new $util.LongBits(object.at.low >>> 0, object.at.high >>> 0).toNumber();
                if (object.running != null)
                    if (object.running)
                        message.running = $Boolean(object.running);
                return message;
            };

            /**
             * Creates a plain object from a ServiceReading message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {vigil.v1.ServiceReading} message ServiceReading
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ServiceReading.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.name = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.at = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.at = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.running = false;
                }
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.at = typeof message.at === "number" ? $BigInt(message.at) : $util.Long.fromBits(message.at.low >>> 0, message.at.high >>> 0, false).toBigInt();
                    else if (typeof message.at === "number")
                        object.at = options.longs === $String ? $String(message.at) : message.at;
                    else
                        object.at = options.longs === $String ? $util.Long.prototype.toString.call(message.at) : options.longs === $Number ? new $util.LongBits(message.at.low >>> 0, message.at.high >>> 0).toNumber() : message.at;
                if (message.running != null && $Object.hasOwnProperty.call(message, "running"))
                    object.running = message.running;
                return object;
            };

            /**
             * Converts this ServiceReading to JSON.
             * @function toJSON
             * @memberof vigil.v1.ServiceReading
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ServiceReading.prototype.toJSON = function() {
                return ServiceReading.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for ServiceReading
             * @function getTypeUrl
             * @memberof vigil.v1.ServiceReading
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ServiceReading.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.ServiceReading";
            };

            return ServiceReading;
        })();

        v1.LicenceReading = (function() {

            /**
             * Properties of a LicenceReading.
             * @typedef {Object} vigil.v1.LicenceReading.$Properties
             * @property {number|null} [at] LicenceReading at
             * @property {number|null} [cameraCount] LicenceReading cameraCount
             * @property {number|null} [licensedCameras] LicenceReading licensedCameras
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a LicenceReading.
             * @memberof vigil.v1
             * @interface ILicenceReading
             * @augments vigil.v1.LicenceReading.$Properties
             * @deprecated Use vigil.v1.LicenceReading.$Properties instead.
             */

            /**
             * Shape of a LicenceReading.
             * @typedef {vigil.v1.LicenceReading.$Properties} vigil.v1.LicenceReading.$Shape
             */

            /**
             * Constructs a new LicenceReading.
             * @memberof vigil.v1
             * @classdesc Represents a LicenceReading.
             * @constructor
             * @param {vigil.v1.LicenceReading.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const LicenceReading = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * LicenceReading at.
             * @member {number} at
             * @memberof vigil.v1.LicenceReading
             * @instance
             */
            LicenceReading.prototype.at = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * LicenceReading cameraCount.
             * @member {number} cameraCount
             * @memberof vigil.v1.LicenceReading
             * @instance
             */
            LicenceReading.prototype.cameraCount = 0;

            /**
             * LicenceReading licensedCameras.
             * @member {number} licensedCameras
             * @memberof vigil.v1.LicenceReading
             * @instance
             */
            LicenceReading.prototype.licensedCameras = 0;

            /**
             * Creates a new LicenceReading instance using the specified properties.
             * @function create
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {vigil.v1.LicenceReading.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.LicenceReading} LicenceReading instance
             * @type {{
             *   (properties: vigil.v1.LicenceReading.$Shape): vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape;
             *   (properties?: vigil.v1.LicenceReading.$Properties): vigil.v1.LicenceReading;
             * }}
             */
            LicenceReading.create = function(properties) {
                return new LicenceReading(properties);
            };

            /**
             * Encodes the specified LicenceReading message. Does not implicitly {@link vigil.v1.LicenceReading.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {vigil.v1.LicenceReading.$Properties} message LicenceReading message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            LicenceReading.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.at != null && $Object.hasOwnProperty.call(message, "at") && (typeof message.at === "object" ? message.at.low || message.at.high : message.at !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).int64(message.at);
                if (message.cameraCount != null && $Object.hasOwnProperty.call(message, "cameraCount") && message.cameraCount !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.cameraCount);
                if (message.licensedCameras != null && $Object.hasOwnProperty.call(message, "licensedCameras") && message.licensedCameras !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.licensedCameras);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified LicenceReading message, length delimited. Does not implicitly {@link vigil.v1.LicenceReading.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {vigil.v1.LicenceReading.$Properties} message LicenceReading message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            LicenceReading.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a LicenceReading message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape} LicenceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            LicenceReading.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.LicenceReading();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.at = value;
                            else
                                delete message.at;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.cameraCount = value;
                            else
                                delete message.cameraCount;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.licensedCameras = value;
                            else
                                delete message.licensedCameras;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a LicenceReading message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape} LicenceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            LicenceReading.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a LicenceReading message.
             * @function verify
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            LicenceReading.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (!$util.isInteger(message.at) && !(message.at && $util.isInteger(message.at.low) && $util.isInteger(message.at.high)))
                        return "at: integer|Long expected";
                if (message.cameraCount != null && $Object.hasOwnProperty.call(message, "cameraCount"))
                    if (!$util.isInteger(message.cameraCount))
                        return "cameraCount: integer expected";
                if (message.licensedCameras != null && $Object.hasOwnProperty.call(message, "licensedCameras"))
                    if (!$util.isInteger(message.licensedCameras))
                        return "licensedCameras: integer expected";
                return null;
            };

            /**
             * Creates a LicenceReading message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.LicenceReading} LicenceReading
             */
            LicenceReading.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.LicenceReading)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.LicenceReading: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.LicenceReading();
                if (object.at != null)
                    if (typeof object.at === "object" ? object.at.low || object.at.high : $Number(object.at) !== 0)
                        if ($util.Long)
                            message.at = $util.Long.fromValue(object.at, false);
                        else if (typeof object.at === "string")
                            message.at = $parseInt(object.at, 10);
                        else if (typeof object.at === "number")
                            message.at = object.at;
                        else if (typeof object.at === "object")
                            message.at = new $util.LongBits(object.at.low >>> 0, object.at.high >>> 0).toNumber();
                if (object.cameraCount != null)
                    if ($Number(object.cameraCount) !== 0)
                        message.cameraCount = object.cameraCount >>> 0;
                if (object.licensedCameras != null)
                    if ($Number(object.licensedCameras) !== 0)
                        message.licensedCameras = object.licensedCameras >>> 0;
                return message;
            };

            /**
             * Creates a plain object from a LicenceReading message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {vigil.v1.LicenceReading} message LicenceReading
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            LicenceReading.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.at = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.at = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.cameraCount = 0;
                    object.licensedCameras = 0;
                }
                if (message.at != null && $Object.hasOwnProperty.call(message, "at"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.at = typeof message.at === "number" ? $BigInt(message.at) : $util.Long.fromBits(message.at.low >>> 0, message.at.high >>> 0, false).toBigInt();
                    else if (typeof message.at === "number")
                        object.at = options.longs === $String ? $String(message.at) : message.at;
                    else
                        object.at = options.longs === $String ? $util.Long.prototype.toString.call(message.at) : options.longs === $Number ? new $util.LongBits(message.at.low >>> 0, message.at.high >>> 0).toNumber() : message.at;
                if (message.cameraCount != null && $Object.hasOwnProperty.call(message, "cameraCount"))
                    object.cameraCount = message.cameraCount;
                if (message.licensedCameras != null && $Object.hasOwnProperty.call(message, "licensedCameras"))
                    object.licensedCameras = message.licensedCameras;
                return object;
            };

            /**
             * Converts this LicenceReading to JSON.
             * @function toJSON
             * @memberof vigil.v1.LicenceReading
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            LicenceReading.prototype.toJSON = function() {
                return LicenceReading.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for LicenceReading
             * @function getTypeUrl
             * @memberof vigil.v1.LicenceReading
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            LicenceReading.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.LicenceReading";
            };

            return LicenceReading;
        })();

        v1.DataBatch = (function() {

            /**
             * Properties of a DataBatch.
             * @typedef {Object} vigil.v1.DataBatch.$Properties
             * @property {boolean|null} [historical] DataBatch historical
             * @property {Array.<vigil.v1.Condition.$Properties>|null} [conditions] DataBatch conditions
             * @property {Array.<vigil.v1.Event.$Properties>|null} [events] DataBatch events
             * @property {Array.<vigil.v1.DiskReading.$Properties>|null} [disks] DataBatch disks
             * @property {Array.<vigil.v1.ServiceReading.$Properties>|null} [services] DataBatch services
             * @property {Array.<vigil.v1.LicenceReading.$Properties>|null} [licences] DataBatch licences
             * @property {number|null} [droppedReadings] DataBatch droppedReadings
             * @property {number|null} [droppedEvents] DataBatch droppedEvents
             * @property {string|null} [spoolEpoch] DataBatch spoolEpoch
             * @property {number|null} [droppedReadingsDiskFull] DataBatch droppedReadingsDiskFull
             * @property {number|null} [droppedEventsDiskFull] DataBatch droppedEventsDiskFull
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DataBatch.
             * @memberof vigil.v1
             * @interface IDataBatch
             * @augments vigil.v1.DataBatch.$Properties
             * @deprecated Use vigil.v1.DataBatch.$Properties instead.
             */

            /**
             * Shape of a DataBatch.
             * @typedef {vigil.v1.DataBatch.$Properties} vigil.v1.DataBatch.$Shape
             */

            /**
             * Constructs a new DataBatch.
             * @memberof vigil.v1
             * @classdesc Represents a DataBatch.
             * @constructor
             * @param {vigil.v1.DataBatch.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DataBatch = function (properties) {
                this.conditions = [];
                this.events = [];
                this.disks = [];
                this.services = [];
                this.licences = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * DataBatch historical.
             * @member {boolean} historical
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.historical = false;

            /**
             * DataBatch conditions.
             * @member {Array.<vigil.v1.Condition.$Properties>} conditions
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.conditions = $util.emptyArray;

            /**
             * DataBatch events.
             * @member {Array.<vigil.v1.Event.$Properties>} events
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.events = $util.emptyArray;

            /**
             * DataBatch disks.
             * @member {Array.<vigil.v1.DiskReading.$Properties>} disks
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.disks = $util.emptyArray;

            /**
             * DataBatch services.
             * @member {Array.<vigil.v1.ServiceReading.$Properties>} services
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.services = $util.emptyArray;

            /**
             * DataBatch licences.
             * @member {Array.<vigil.v1.LicenceReading.$Properties>} licences
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.licences = $util.emptyArray;

            /**
             * DataBatch droppedReadings.
             * @member {number} droppedReadings
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.droppedReadings = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DataBatch droppedEvents.
             * @member {number} droppedEvents
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.droppedEvents = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DataBatch spoolEpoch.
             * @member {string} spoolEpoch
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.spoolEpoch = "";

            /**
             * DataBatch droppedReadingsDiskFull.
             * @member {number} droppedReadingsDiskFull
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.droppedReadingsDiskFull = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * DataBatch droppedEventsDiskFull.
             * @member {number} droppedEventsDiskFull
             * @memberof vigil.v1.DataBatch
             * @instance
             */
            DataBatch.prototype.droppedEventsDiskFull = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new DataBatch instance using the specified properties.
             * @function create
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {vigil.v1.DataBatch.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.DataBatch} DataBatch instance
             * @type {{
             *   (properties: vigil.v1.DataBatch.$Shape): vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape;
             *   (properties?: vigil.v1.DataBatch.$Properties): vigil.v1.DataBatch;
             * }}
             */
            DataBatch.create = function(properties) {
                return new DataBatch(properties);
            };

            /**
             * Encodes the specified DataBatch message. Does not implicitly {@link vigil.v1.DataBatch.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {vigil.v1.DataBatch.$Properties} message DataBatch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DataBatch.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.historical != null && $Object.hasOwnProperty.call(message, "historical") && message.historical !== false)
                    writer.uint32(/* id 1, wireType 0 =*/8).bool(message.historical);
                if (message.conditions != null && message.conditions.length)
                    for (let i = 0; i < message.conditions.length; ++i)
                        $root.vigil.v1.Condition.encode(message.conditions[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.events != null && message.events.length)
                    for (let i = 0; i < message.events.length; ++i)
                        $root.vigil.v1.Event.encode(message.events[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.disks != null && message.disks.length)
                    for (let i = 0; i < message.disks.length; ++i)
                        $root.vigil.v1.DiskReading.encode(message.disks[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.services != null && message.services.length)
                    for (let i = 0; i < message.services.length; ++i)
                        $root.vigil.v1.ServiceReading.encode(message.services[i], writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
                if (message.licences != null && message.licences.length)
                    for (let i = 0; i < message.licences.length; ++i)
                        $root.vigil.v1.LicenceReading.encode(message.licences[i], writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
                if (message.droppedReadings != null && $Object.hasOwnProperty.call(message, "droppedReadings") && (typeof message.droppedReadings === "object" ? message.droppedReadings.low || message.droppedReadings.high : message.droppedReadings !== 0))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint64(message.droppedReadings);
                if (message.droppedEvents != null && $Object.hasOwnProperty.call(message, "droppedEvents") && (typeof message.droppedEvents === "object" ? message.droppedEvents.low || message.droppedEvents.high : message.droppedEvents !== 0))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.droppedEvents);
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch") && message.spoolEpoch !== "")
                    writer.uint32(/* id 9, wireType 2 =*/74).string(message.spoolEpoch);
                if (message.droppedReadingsDiskFull != null && $Object.hasOwnProperty.call(message, "droppedReadingsDiskFull") && (typeof message.droppedReadingsDiskFull === "object" ? message.droppedReadingsDiskFull.low || message.droppedReadingsDiskFull.high : message.droppedReadingsDiskFull !== 0))
                    writer.uint32(/* id 10, wireType 0 =*/80).uint64(message.droppedReadingsDiskFull);
                if (message.droppedEventsDiskFull != null && $Object.hasOwnProperty.call(message, "droppedEventsDiskFull") && (typeof message.droppedEventsDiskFull === "object" ? message.droppedEventsDiskFull.low || message.droppedEventsDiskFull.high : message.droppedEventsDiskFull !== 0))
                    writer.uint32(/* id 11, wireType 0 =*/88).uint64(message.droppedEventsDiskFull);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified DataBatch message, length delimited. Does not implicitly {@link vigil.v1.DataBatch.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {vigil.v1.DataBatch.$Properties} message DataBatch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DataBatch.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a DataBatch message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape} DataBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DataBatch.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.DataBatch();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.historical = value;
                            else
                                delete message.historical;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.conditions && message.conditions.length))
                                message.conditions = [];
                            message.conditions.push($root.vigil.v1.Condition.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.events && message.events.length))
                                message.events = [];
                            message.events.push($root.vigil.v1.Event.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if (!(message.disks && message.disks.length))
                                message.disks = [];
                            message.disks.push($root.vigil.v1.DiskReading.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if (!(message.services && message.services.length))
                                message.services = [];
                            message.services.push($root.vigil.v1.ServiceReading.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if (!(message.licences && message.licences.length))
                                message.licences = [];
                            message.licences.push($root.vigil.v1.LicenceReading.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.droppedReadings = value;
                            else
                                delete message.droppedReadings;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.droppedEvents = value;
                            else
                                delete message.droppedEvents;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.spoolEpoch = value;
                            else
                                delete message.spoolEpoch;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.droppedReadingsDiskFull = value;
                            else
                                delete message.droppedReadingsDiskFull;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.droppedEventsDiskFull = value;
                            else
                                delete message.droppedEventsDiskFull;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a DataBatch message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape} DataBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DataBatch.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a DataBatch message.
             * @function verify
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            DataBatch.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.historical != null && $Object.hasOwnProperty.call(message, "historical"))
                    if (typeof message.historical !== "boolean")
                        return "historical: boolean expected";
                if (message.conditions != null && $Object.hasOwnProperty.call(message, "conditions")) {
                    if (!$Array.isArray(message.conditions))
                        return "conditions: array expected";
                    for (let i = 0; i < message.conditions.length; ++i) {
                        let error = $root.vigil.v1.Condition.verify(message.conditions[i], _depth + 1);
                        if (error)
                            return "conditions." + error;
                    }
                }
                if (message.events != null && $Object.hasOwnProperty.call(message, "events")) {
                    if (!$Array.isArray(message.events))
                        return "events: array expected";
                    for (let i = 0; i < message.events.length; ++i) {
                        let error = $root.vigil.v1.Event.verify(message.events[i], _depth + 1);
                        if (error)
                            return "events." + error;
                    }
                }
                if (message.disks != null && $Object.hasOwnProperty.call(message, "disks")) {
                    if (!$Array.isArray(message.disks))
                        return "disks: array expected";
                    for (let i = 0; i < message.disks.length; ++i) {
                        let error = $root.vigil.v1.DiskReading.verify(message.disks[i], _depth + 1);
                        if (error)
                            return "disks." + error;
                    }
                }
                if (message.services != null && $Object.hasOwnProperty.call(message, "services")) {
                    if (!$Array.isArray(message.services))
                        return "services: array expected";
                    for (let i = 0; i < message.services.length; ++i) {
                        let error = $root.vigil.v1.ServiceReading.verify(message.services[i], _depth + 1);
                        if (error)
                            return "services." + error;
                    }
                }
                if (message.licences != null && $Object.hasOwnProperty.call(message, "licences")) {
                    if (!$Array.isArray(message.licences))
                        return "licences: array expected";
                    for (let i = 0; i < message.licences.length; ++i) {
                        let error = $root.vigil.v1.LicenceReading.verify(message.licences[i], _depth + 1);
                        if (error)
                            return "licences." + error;
                    }
                }
                if (message.droppedReadings != null && $Object.hasOwnProperty.call(message, "droppedReadings"))
                    if (!$util.isInteger(message.droppedReadings) && !(message.droppedReadings && $util.isInteger(message.droppedReadings.low) && $util.isInteger(message.droppedReadings.high)))
                        return "droppedReadings: integer|Long expected";
                if (message.droppedEvents != null && $Object.hasOwnProperty.call(message, "droppedEvents"))
                    if (!$util.isInteger(message.droppedEvents) && !(message.droppedEvents && $util.isInteger(message.droppedEvents.low) && $util.isInteger(message.droppedEvents.high)))
                        return "droppedEvents: integer|Long expected";
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    if (!$util.isString(message.spoolEpoch))
                        return "spoolEpoch: string expected";
                if (message.droppedReadingsDiskFull != null && $Object.hasOwnProperty.call(message, "droppedReadingsDiskFull"))
                    if (!$util.isInteger(message.droppedReadingsDiskFull) && !(message.droppedReadingsDiskFull && $util.isInteger(message.droppedReadingsDiskFull.low) && $util.isInteger(message.droppedReadingsDiskFull.high)))
                        return "droppedReadingsDiskFull: integer|Long expected";
                if (message.droppedEventsDiskFull != null && $Object.hasOwnProperty.call(message, "droppedEventsDiskFull"))
                    if (!$util.isInteger(message.droppedEventsDiskFull) && !(message.droppedEventsDiskFull && $util.isInteger(message.droppedEventsDiskFull.low) && $util.isInteger(message.droppedEventsDiskFull.high)))
                        return "droppedEventsDiskFull: integer|Long expected";
                return null;
            };

            /**
             * Creates a DataBatch message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.DataBatch} DataBatch
             */
            DataBatch.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.DataBatch)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.DataBatch: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.DataBatch();
                if (object.historical != null)
                    if (object.historical)
                        message.historical = $Boolean(object.historical);
                if (object.conditions) {
                    if (!$Array.isArray(object.conditions))
                        throw $TypeError(".vigil.v1.DataBatch.conditions: array expected");
                    message.conditions = $Array(object.conditions.length);
                    for (let i = 0; i < object.conditions.length; ++i) {
                        if (!$util.isObject(object.conditions[i]))
                            throw $TypeError(".vigil.v1.DataBatch.conditions: object expected");
                        message.conditions[i] = $root.vigil.v1.Condition.fromObject(object.conditions[i], _depth + 1);
                    }
                }
                if (object.events) {
                    if (!$Array.isArray(object.events))
                        throw $TypeError(".vigil.v1.DataBatch.events: array expected");
                    message.events = $Array(object.events.length);
                    for (let i = 0; i < object.events.length; ++i) {
                        if (!$util.isObject(object.events[i]))
                            throw $TypeError(".vigil.v1.DataBatch.events: object expected");
                        message.events[i] = $root.vigil.v1.Event.fromObject(object.events[i], _depth + 1);
                    }
                }
                if (object.disks) {
                    if (!$Array.isArray(object.disks))
                        throw $TypeError(".vigil.v1.DataBatch.disks: array expected");
                    message.disks = $Array(object.disks.length);
                    for (let i = 0; i < object.disks.length; ++i) {
                        if (!$util.isObject(object.disks[i]))
                            throw $TypeError(".vigil.v1.DataBatch.disks: object expected");
                        message.disks[i] = $root.vigil.v1.DiskReading.fromObject(object.disks[i], _depth + 1);
                    }
                }
                if (object.services) {
                    if (!$Array.isArray(object.services))
                        throw $TypeError(".vigil.v1.DataBatch.services: array expected");
                    message.services = $Array(object.services.length);
                    for (let i = 0; i < object.services.length; ++i) {
                        if (!$util.isObject(object.services[i]))
                            throw $TypeError(".vigil.v1.DataBatch.services: object expected");
                        message.services[i] = $root.vigil.v1.ServiceReading.fromObject(object.services[i], _depth + 1);
                    }
                }
                if (object.licences) {
                    if (!$Array.isArray(object.licences))
                        throw $TypeError(".vigil.v1.DataBatch.licences: array expected");
                    message.licences = $Array(object.licences.length);
                    for (let i = 0; i < object.licences.length; ++i) {
                        if (!$util.isObject(object.licences[i]))
                            throw $TypeError(".vigil.v1.DataBatch.licences: object expected");
                        message.licences[i] = $root.vigil.v1.LicenceReading.fromObject(object.licences[i], _depth + 1);
                    }
                }
                if (object.droppedReadings != null)
                    if (typeof object.droppedReadings === "object" ? object.droppedReadings.low || object.droppedReadings.high : $Number(object.droppedReadings) !== 0)
                        if ($util.Long)
                            message.droppedReadings = $util.Long.fromValue(object.droppedReadings, true);
                        else if (typeof object.droppedReadings === "string")
                            message.droppedReadings = $parseInt(object.droppedReadings, 10);
                        else if (typeof object.droppedReadings === "number")
                            message.droppedReadings = object.droppedReadings;
                        else if (typeof object.droppedReadings === "object")
                            message.droppedReadings = new $util.LongBits(object.droppedReadings.low >>> 0, object.droppedReadings.high >>> 0).toNumber(true);
                if (object.droppedEvents != null)
                    if (typeof object.droppedEvents === "object" ? object.droppedEvents.low || object.droppedEvents.high : $Number(object.droppedEvents) !== 0)
                        if ($util.Long)
                            message.droppedEvents = $util.Long.fromValue(object.droppedEvents, true);
                        else if (typeof object.droppedEvents === "string")
                            message.droppedEvents = $parseInt(object.droppedEvents, 10);
                        else if (typeof object.droppedEvents === "number")
                            message.droppedEvents = object.droppedEvents;
                        else if (typeof object.droppedEvents === "object")
                            message.droppedEvents = new $util.LongBits(object.droppedEvents.low >>> 0, object.droppedEvents.high >>> 0).toNumber(true);
                if (object.spoolEpoch != null)
                    if (typeof object.spoolEpoch !== "string" || object.spoolEpoch.length)
                        message.spoolEpoch = $String(object.spoolEpoch);
                if (object.droppedReadingsDiskFull != null)
                    if (typeof object.droppedReadingsDiskFull === "object" ? object.droppedReadingsDiskFull.low || object.droppedReadingsDiskFull.high : $Number(object.droppedReadingsDiskFull) !== 0)
                        if ($util.Long)
                            message.droppedReadingsDiskFull = $util.Long.fromValue(object.droppedReadingsDiskFull, true);
                        else if (typeof object.droppedReadingsDiskFull === "string")
                            message.droppedReadingsDiskFull = $parseInt(object.droppedReadingsDiskFull, 10);
                        else if (typeof object.droppedReadingsDiskFull === "number")
                            message.droppedReadingsDiskFull = object.droppedReadingsDiskFull;
                        else if (typeof object.droppedReadingsDiskFull === "object")
                            message.droppedReadingsDiskFull = new $util.LongBits(object.droppedReadingsDiskFull.low >>> 0, object.droppedReadingsDiskFull.high >>> 0).toNumber(true);
                if (object.droppedEventsDiskFull != null)
                    if (typeof object.droppedEventsDiskFull === "object" ? object.droppedEventsDiskFull.low || object.droppedEventsDiskFull.high : $Number(object.droppedEventsDiskFull) !== 0)
                        if ($util.Long)
                            message.droppedEventsDiskFull = $util.Long.fromValue(object.droppedEventsDiskFull, true);
                        else if (typeof object.droppedEventsDiskFull === "string")
                            message.droppedEventsDiskFull = $parseInt(object.droppedEventsDiskFull, 10);
                        else if (typeof object.droppedEventsDiskFull === "number")
                            message.droppedEventsDiskFull = object.droppedEventsDiskFull;
                        else if (typeof object.droppedEventsDiskFull === "object")
                            message.droppedEventsDiskFull = new $util.LongBits(object.droppedEventsDiskFull.low >>> 0, object.droppedEventsDiskFull.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a DataBatch message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {vigil.v1.DataBatch} message DataBatch
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            DataBatch.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults) {
                    object.conditions = [];
                    object.events = [];
                    object.disks = [];
                    object.services = [];
                    object.licences = [];
                }
                if (options.defaults) {
                    object.historical = false;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.droppedReadings = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.droppedReadings = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.droppedEvents = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.droppedEvents = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.spoolEpoch = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.droppedReadingsDiskFull = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.droppedReadingsDiskFull = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.droppedEventsDiskFull = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.droppedEventsDiskFull = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.historical != null && $Object.hasOwnProperty.call(message, "historical"))
                    object.historical = message.historical;
                if (message.conditions && message.conditions.length) {
                    object.conditions = $Array(message.conditions.length);
                    for (let j = 0; j < message.conditions.length; ++j)
                        object.conditions[j] = $root.vigil.v1.Condition.toObject(message.conditions[j], options, _depth + 1);
                }
                if (message.events && message.events.length) {
                    object.events = $Array(message.events.length);
                    for (let j = 0; j < message.events.length; ++j)
                        object.events[j] = $root.vigil.v1.Event.toObject(message.events[j], options, _depth + 1);
                }
                if (message.disks && message.disks.length) {
                    object.disks = $Array(message.disks.length);
                    for (let j = 0; j < message.disks.length; ++j)
                        object.disks[j] = $root.vigil.v1.DiskReading.toObject(message.disks[j], options, _depth + 1);
                }
                if (message.services && message.services.length) {
                    object.services = $Array(message.services.length);
                    for (let j = 0; j < message.services.length; ++j)
                        object.services[j] = $root.vigil.v1.ServiceReading.toObject(message.services[j], options, _depth + 1);
                }
                if (message.licences && message.licences.length) {
                    object.licences = $Array(message.licences.length);
                    for (let j = 0; j < message.licences.length; ++j)
                        object.licences[j] = $root.vigil.v1.LicenceReading.toObject(message.licences[j], options, _depth + 1);
                }
                if (message.droppedReadings != null && $Object.hasOwnProperty.call(message, "droppedReadings"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.droppedReadings = typeof message.droppedReadings === "number" ? $BigInt(message.droppedReadings) : $util.Long.fromBits(message.droppedReadings.low >>> 0, message.droppedReadings.high >>> 0, true).toBigInt();
                    else if (typeof message.droppedReadings === "number")
                        object.droppedReadings = options.longs === $String ? $String(message.droppedReadings) : message.droppedReadings;
                    else
                        object.droppedReadings = options.longs === $String ? $util.Long.prototype.toString.call(message.droppedReadings) : options.longs === $Number ? new $util.LongBits(message.droppedReadings.low >>> 0, message.droppedReadings.high >>> 0).toNumber(true) : message.droppedReadings;
                if (message.droppedEvents != null && $Object.hasOwnProperty.call(message, "droppedEvents"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.droppedEvents = typeof message.droppedEvents === "number" ? $BigInt(message.droppedEvents) : $util.Long.fromBits(message.droppedEvents.low >>> 0, message.droppedEvents.high >>> 0, true).toBigInt();
                    else if (typeof message.droppedEvents === "number")
                        object.droppedEvents = options.longs === $String ? $String(message.droppedEvents) : message.droppedEvents;
                    else
                        object.droppedEvents = options.longs === $String ? $util.Long.prototype.toString.call(message.droppedEvents) : options.longs === $Number ? new $util.LongBits(message.droppedEvents.low >>> 0, message.droppedEvents.high >>> 0).toNumber(true) : message.droppedEvents;
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    object.spoolEpoch = message.spoolEpoch;
                if (message.droppedReadingsDiskFull != null && $Object.hasOwnProperty.call(message, "droppedReadingsDiskFull"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.droppedReadingsDiskFull = typeof message.droppedReadingsDiskFull === "number" ? $BigInt(message.droppedReadingsDiskFull) : $util.Long.fromBits(message.droppedReadingsDiskFull.low >>> 0, message.droppedReadingsDiskFull.high >>> 0, true).toBigInt();
                    else if (typeof message.droppedReadingsDiskFull === "number")
                        object.droppedReadingsDiskFull = options.longs === $String ? $String(message.droppedReadingsDiskFull) : message.droppedReadingsDiskFull;
                    else
                        object.droppedReadingsDiskFull = options.longs === $String ? $util.Long.prototype.toString.call(message.droppedReadingsDiskFull) : options.longs === $Number ? new $util.LongBits(message.droppedReadingsDiskFull.low >>> 0, message.droppedReadingsDiskFull.high >>> 0).toNumber(true) : message.droppedReadingsDiskFull;
                if (message.droppedEventsDiskFull != null && $Object.hasOwnProperty.call(message, "droppedEventsDiskFull"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.droppedEventsDiskFull = typeof message.droppedEventsDiskFull === "number" ? $BigInt(message.droppedEventsDiskFull) : $util.Long.fromBits(message.droppedEventsDiskFull.low >>> 0, message.droppedEventsDiskFull.high >>> 0, true).toBigInt();
                    else if (typeof message.droppedEventsDiskFull === "number")
                        object.droppedEventsDiskFull = options.longs === $String ? $String(message.droppedEventsDiskFull) : message.droppedEventsDiskFull;
                    else
                        object.droppedEventsDiskFull = options.longs === $String ? $util.Long.prototype.toString.call(message.droppedEventsDiskFull) : options.longs === $Number ? new $util.LongBits(message.droppedEventsDiskFull.low >>> 0, message.droppedEventsDiskFull.high >>> 0).toNumber(true) : message.droppedEventsDiskFull;
                return object;
            };

            /**
             * Converts this DataBatch to JSON.
             * @function toJSON
             * @memberof vigil.v1.DataBatch
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            DataBatch.prototype.toJSON = function() {
                return DataBatch.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for DataBatch
             * @function getTypeUrl
             * @memberof vigil.v1.DataBatch
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DataBatch.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.DataBatch";
            };

            return DataBatch;
        })();

        v1.Ack = (function() {

            /**
             * Properties of an Ack.
             * @typedef {Object} vigil.v1.Ack.$Properties
             * @property {number|null} [seq] Ack seq
             * @property {string|null} [spoolEpoch] Ack spoolEpoch
             * @property {string|null} [recipientPublicKey] Ack recipientPublicKey
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Ack.
             * @memberof vigil.v1
             * @interface IAck
             * @augments vigil.v1.Ack.$Properties
             * @deprecated Use vigil.v1.Ack.$Properties instead.
             */

            /**
             * Shape of an Ack.
             * @typedef {vigil.v1.Ack.$Properties} vigil.v1.Ack.$Shape
             */

            /**
             * Constructs a new Ack.
             * @memberof vigil.v1
             * @classdesc Represents an Ack.
             * @constructor
             * @param {vigil.v1.Ack.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Ack = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Ack seq.
             * @member {number} seq
             * @memberof vigil.v1.Ack
             * @instance
             */
            Ack.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Ack spoolEpoch.
             * @member {string} spoolEpoch
             * @memberof vigil.v1.Ack
             * @instance
             */
            Ack.prototype.spoolEpoch = "";

            /**
             * Ack recipientPublicKey.
             * @member {string} recipientPublicKey
             * @memberof vigil.v1.Ack
             * @instance
             */
            Ack.prototype.recipientPublicKey = "";

            /**
             * Creates a new Ack instance using the specified properties.
             * @function create
             * @memberof vigil.v1.Ack
             * @static
             * @param {vigil.v1.Ack.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.Ack} Ack instance
             * @type {{
             *   (properties: vigil.v1.Ack.$Shape): vigil.v1.Ack & vigil.v1.Ack.$Shape;
             *   (properties?: vigil.v1.Ack.$Properties): vigil.v1.Ack;
             * }}
             */
            Ack.create = function(properties) {
                return new Ack(properties);
            };

            /**
             * Encodes the specified Ack message. Does not implicitly {@link vigil.v1.Ack.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.Ack
             * @static
             * @param {vigil.v1.Ack.$Properties} message Ack message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Ack.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && (typeof message.seq === "object" ? message.seq.low || message.seq.high : message.seq !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.seq);
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch") && message.spoolEpoch !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.spoolEpoch);
                if (message.recipientPublicKey != null && $Object.hasOwnProperty.call(message, "recipientPublicKey") && message.recipientPublicKey !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.recipientPublicKey);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Ack message, length delimited. Does not implicitly {@link vigil.v1.Ack.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.Ack
             * @static
             * @param {vigil.v1.Ack.$Properties} message Ack message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Ack.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.Ack
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.Ack & vigil.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Ack.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.Ack();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.spoolEpoch = value;
                            else
                                delete message.spoolEpoch;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.recipientPublicKey = value;
                            else
                                delete message.recipientPublicKey;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes an Ack message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.Ack
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.Ack & vigil.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Ack.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an Ack message.
             * @function verify
             * @memberof vigil.v1.Ack
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Ack.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq"))
                    if (!$util.isInteger(message.seq) && !(message.seq && $util.isInteger(message.seq.low) && $util.isInteger(message.seq.high)))
                        return "seq: integer|Long expected";
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    if (!$util.isString(message.spoolEpoch))
                        return "spoolEpoch: string expected";
                if (message.recipientPublicKey != null && $Object.hasOwnProperty.call(message, "recipientPublicKey"))
                    if (!$util.isString(message.recipientPublicKey))
                        return "recipientPublicKey: string expected";
                return null;
            };

            /**
             * Creates an Ack message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.Ack
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.Ack} Ack
             */
            Ack.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.Ack)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.Ack: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.Ack();
                if (object.seq != null)
                    if (typeof object.seq === "object" ? object.seq.low || object.seq.high : $Number(object.seq) !== 0)
                        if ($util.Long)
                            message.seq = $util.Long.fromValue(object.seq, true);
                        else if (typeof object.seq === "string")
                            message.seq = $parseInt(object.seq, 10);
                        else if (typeof object.seq === "number")
                            message.seq = object.seq;
                        else if (typeof object.seq === "object")
                            message.seq = new $util.LongBits(object.seq.low >>> 0, object.seq.high >>> 0).toNumber(true);
                if (object.spoolEpoch != null)
                    if (typeof object.spoolEpoch !== "string" || object.spoolEpoch.length)
                        message.spoolEpoch = $String(object.spoolEpoch);
                if (object.recipientPublicKey != null)
                    if (typeof object.recipientPublicKey !== "string" || object.recipientPublicKey.length)
                        message.recipientPublicKey = $String(object.recipientPublicKey);
                return message;
            };

            /**
             * Creates a plain object from an Ack message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.Ack
             * @static
             * @param {vigil.v1.Ack} message Ack
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Ack.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.seq = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.seq = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.spoolEpoch = "";
                    object.recipientPublicKey = "";
                }
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.seq = typeof message.seq === "number" ? $BigInt(message.seq) : $util.Long.fromBits(message.seq.low >>> 0, message.seq.high >>> 0, true).toBigInt();
                    else if (typeof message.seq === "number")
                        object.seq = options.longs === $String ? $String(message.seq) : message.seq;
                    else
                        object.seq = options.longs === $String ? $util.Long.prototype.toString.call(message.seq) : options.longs === $Number ? new $util.LongBits(message.seq.low >>> 0, message.seq.high >>> 0).toNumber(true) : message.seq;
                if (message.spoolEpoch != null && $Object.hasOwnProperty.call(message, "spoolEpoch"))
                    object.spoolEpoch = message.spoolEpoch;
                if (message.recipientPublicKey != null && $Object.hasOwnProperty.call(message, "recipientPublicKey"))
                    object.recipientPublicKey = message.recipientPublicKey;
                return object;
            };

            /**
             * Converts this Ack to JSON.
             * @function toJSON
             * @memberof vigil.v1.Ack
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Ack.prototype.toJSON = function() {
                return Ack.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Ack
             * @function getTypeUrl
             * @memberof vigil.v1.Ack
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Ack.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.Ack";
            };

            return Ack;
        })();

        /**
         * RecorderStatus enum.
         * @name vigil.v1.RecorderStatus
         * @enum {number}
         * @property {number} RECORDER_STATUS_UNSPECIFIED=0 RECORDER_STATUS_UNSPECIFIED value
         * @property {number} RECORDER_STATUS_ONLINE=1 RECORDER_STATUS_ONLINE value
         * @property {number} RECORDER_STATUS_DEGRADED=2 RECORDER_STATUS_DEGRADED value
         * @property {number} RECORDER_STATUS_UNAVAILABLE=3 RECORDER_STATUS_UNAVAILABLE value
         * @property {number} RECORDER_STATUS_OFFLINE=4 RECORDER_STATUS_OFFLINE value
         * @property {number} RECORDER_STATUS_STOPPED=5 RECORDER_STATUS_STOPPED value
         */
        v1.RecorderStatus = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "RECORDER_STATUS_UNSPECIFIED"] = 0;
            values[valuesById[1] = "RECORDER_STATUS_ONLINE"] = 1;
            values[valuesById[2] = "RECORDER_STATUS_DEGRADED"] = 2;
            values[valuesById[3] = "RECORDER_STATUS_UNAVAILABLE"] = 3;
            values[valuesById[4] = "RECORDER_STATUS_OFFLINE"] = 4;
            values[valuesById[5] = "RECORDER_STATUS_STOPPED"] = 5;
            return values;
        })();

        v1.RecorderState = (function() {

            /**
             * Properties of a RecorderState.
             * @typedef {Object} vigil.v1.RecorderState.$Properties
             * @property {string|null} [recorderId] RecorderState recorderId
             * @property {vigil.v1.RecorderStatus|null} [status] RecorderState status
             * @property {number|null} [since] RecorderState since
             * @property {number|null} [lastSeen] RecorderState lastSeen
             * @property {number|null} [activeProblems] RecorderState activeProblems
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RecorderState.
             * @memberof vigil.v1
             * @interface IRecorderState
             * @augments vigil.v1.RecorderState.$Properties
             * @deprecated Use vigil.v1.RecorderState.$Properties instead.
             */

            /**
             * Shape of a RecorderState.
             * @typedef {vigil.v1.RecorderState.$Properties} vigil.v1.RecorderState.$Shape
             */

            /**
             * Constructs a new RecorderState.
             * @memberof vigil.v1
             * @classdesc Represents a RecorderState.
             * @constructor
             * @param {vigil.v1.RecorderState.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RecorderState = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * RecorderState recorderId.
             * @member {string} recorderId
             * @memberof vigil.v1.RecorderState
             * @instance
             */
            RecorderState.prototype.recorderId = "";

            /**
             * RecorderState status.
             * @member {vigil.v1.RecorderStatus} status
             * @memberof vigil.v1.RecorderState
             * @instance
             */
            RecorderState.prototype.status = 0;

            /**
             * RecorderState since.
             * @member {number} since
             * @memberof vigil.v1.RecorderState
             * @instance
             */
            RecorderState.prototype.since = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * RecorderState lastSeen.
             * @member {number} lastSeen
             * @memberof vigil.v1.RecorderState
             * @instance
             */
            RecorderState.prototype.lastSeen = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * RecorderState activeProblems.
             * @member {number} activeProblems
             * @memberof vigil.v1.RecorderState
             * @instance
             */
            RecorderState.prototype.activeProblems = 0;

            /**
             * Creates a new RecorderState instance using the specified properties.
             * @function create
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {vigil.v1.RecorderState.$Properties=} [properties] Properties to set
             * @returns {vigil.v1.RecorderState} RecorderState instance
             * @type {{
             *   (properties: vigil.v1.RecorderState.$Shape): vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape;
             *   (properties?: vigil.v1.RecorderState.$Properties): vigil.v1.RecorderState;
             * }}
             */
            RecorderState.create = function(properties) {
                return new RecorderState(properties);
            };

            /**
             * Encodes the specified RecorderState message. Does not implicitly {@link vigil.v1.RecorderState.verify|verify} messages.
             * @function encode
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {vigil.v1.RecorderState.$Properties} message RecorderState message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RecorderState.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.recorderId != null && $Object.hasOwnProperty.call(message, "recorderId") && message.recorderId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.recorderId);
                if (message.status != null && $Object.hasOwnProperty.call(message, "status") && message.status !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).int32(message.status);
                if (message.since != null && $Object.hasOwnProperty.call(message, "since") && (typeof message.since === "object" ? message.since.low || message.since.high : message.since !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).int64(message.since);
                if (message.lastSeen != null && $Object.hasOwnProperty.call(message, "lastSeen") && (typeof message.lastSeen === "object" ? message.lastSeen.low || message.lastSeen.high : message.lastSeen !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).int64(message.lastSeen);
                if (message.activeProblems != null && $Object.hasOwnProperty.call(message, "activeProblems") && message.activeProblems !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.activeProblems);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified RecorderState message, length delimited. Does not implicitly {@link vigil.v1.RecorderState.verify|verify} messages.
             * @function encodeDelimited
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {vigil.v1.RecorderState.$Properties} message RecorderState message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RecorderState.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a RecorderState message from the specified reader or buffer.
             * @function decode
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape} RecorderState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RecorderState.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.vigil.v1.RecorderState();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.recorderId = value;
                            else
                                delete message.recorderId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.status = value;
                            else
                                delete message.status;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.since = value;
                            else
                                delete message.since;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.lastSeen = value;
                            else
                                delete message.lastSeen;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.activeProblems = value;
                            else
                                delete message.activeProblems;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a RecorderState message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape} RecorderState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RecorderState.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a RecorderState message.
             * @function verify
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            RecorderState.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.recorderId != null && $Object.hasOwnProperty.call(message, "recorderId"))
                    if (!$util.isString(message.recorderId))
                        return "recorderId: string expected";
                if (message.status != null && $Object.hasOwnProperty.call(message, "status"))
                    if (typeof message.status !== "number" || (message.status | 0) !== message.status)
                        return "status: enum value expected";
                if (message.since != null && $Object.hasOwnProperty.call(message, "since"))
                    if (!$util.isInteger(message.since) && !(message.since && $util.isInteger(message.since.low) && $util.isInteger(message.since.high)))
                        return "since: integer|Long expected";
                if (message.lastSeen != null && $Object.hasOwnProperty.call(message, "lastSeen"))
                    if (!$util.isInteger(message.lastSeen) && !(message.lastSeen && $util.isInteger(message.lastSeen.low) && $util.isInteger(message.lastSeen.high)))
                        return "lastSeen: integer|Long expected";
                if (message.activeProblems != null && $Object.hasOwnProperty.call(message, "activeProblems"))
                    if (!$util.isInteger(message.activeProblems))
                        return "activeProblems: integer expected";
                return null;
            };

            /**
             * Creates a RecorderState message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {vigil.v1.RecorderState} RecorderState
             */
            RecorderState.fromObject = function (object, _depth) {
                if (object instanceof $root.vigil.v1.RecorderState)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".vigil.v1.RecorderState: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.vigil.v1.RecorderState();
                if (object.recorderId != null)
                    if (typeof object.recorderId !== "string" || object.recorderId.length)
                        message.recorderId = $String(object.recorderId);
                if (object.status !== 0 && (typeof object.status !== "string" || $root.vigil.v1.RecorderStatus[object.status] !== 0))
                    switch (object.status) {
                    case "RECORDER_STATUS_UNSPECIFIED":
                    case 0:
                        message.status = 0;
                        break;
                    case "RECORDER_STATUS_ONLINE":
                    case 1:
                        message.status = 1;
                        break;
                    case "RECORDER_STATUS_DEGRADED":
                    case 2:
                        message.status = 2;
                        break;
                    case "RECORDER_STATUS_UNAVAILABLE":
                    case 3:
                        message.status = 3;
                        break;
                    case "RECORDER_STATUS_OFFLINE":
                    case 4:
                        message.status = 4;
                        break;
                    case "RECORDER_STATUS_STOPPED":
                    case 5:
                        message.status = 5;
                        break;
                    default:
                        if (typeof object.status === "number" && (object.status | 0) === object.status)
                            message.status = object.status;
                    }
                if (object.since != null)
                    if (typeof object.since === "object" ? object.since.low || object.since.high : $Number(object.since) !== 0)
                        if ($util.Long)
                            message.since = $util.Long.fromValue(object.since, false);
                        else if (typeof object.since === "string")
                            message.since = $parseInt(object.since, 10);
                        else if (typeof object.since === "number")
                            message.since = object.since;
                        else if (typeof object.since === "object")
                            message.since = new $util.LongBits(object.since.low >>> 0, object.since.high >>> 0).toNumber();
                if (object.lastSeen != null)
                    if (typeof object.lastSeen === "object" ? object.lastSeen.low || object.lastSeen.high : $Number(object.lastSeen) !== 0)
                        if ($util.Long)
                            message.lastSeen = $util.Long.fromValue(object.lastSeen, false);
                        else if (typeof object.lastSeen === "string")
                            message.lastSeen = $parseInt(object.lastSeen, 10);
                        else if (typeof object.lastSeen === "number")
                            message.lastSeen = object.lastSeen;
                        else if (typeof object.lastSeen === "object")
                            message.lastSeen = new $util.LongBits(object.lastSeen.low >>> 0, object.lastSeen.high >>> 0).toNumber();
                if (object.activeProblems != null)
                    if ($Number(object.activeProblems) !== 0)
                        message.activeProblems = object.activeProblems >>> 0;
                return message;
            };

            /**
             * Creates a plain object from a RecorderState message. Also converts values to other types if specified.
             * @function toObject
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {vigil.v1.RecorderState} message RecorderState
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            RecorderState.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.recorderId = "";
                    object.status = options.enums === $String ? "RECORDER_STATUS_UNSPECIFIED" : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.since = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.since = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, false);
                        object.lastSeen = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.lastSeen = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.activeProblems = 0;
                }
                if (message.recorderId != null && $Object.hasOwnProperty.call(message, "recorderId"))
                    object.recorderId = message.recorderId;
                if (message.status != null && $Object.hasOwnProperty.call(message, "status"))
                    object.status = options.enums === $String ? $root.vigil.v1.RecorderStatus[message.status] === $undefined ? message.status : $root.vigil.v1.RecorderStatus[message.status] : message.status;
                if (message.since != null && $Object.hasOwnProperty.call(message, "since"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.since = typeof message.since === "number" ? $BigInt(message.since) : $util.Long.fromBits(message.since.low >>> 0, message.since.high >>> 0, false).toBigInt();
                    else if (typeof message.since === "number")
                        object.since = options.longs === $String ? $String(message.since) : message.since;
                    else
                        object.since = options.longs === $String ? $util.Long.prototype.toString.call(message.since) : options.longs === $Number ? new $util.LongBits(message.since.low >>> 0, message.since.high >>> 0).toNumber() : message.since;
                if (message.lastSeen != null && $Object.hasOwnProperty.call(message, "lastSeen"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.lastSeen = typeof message.lastSeen === "number" ? $BigInt(message.lastSeen) : $util.Long.fromBits(message.lastSeen.low >>> 0, message.lastSeen.high >>> 0, false).toBigInt();
                    else if (typeof message.lastSeen === "number")
                        object.lastSeen = options.longs === $String ? $String(message.lastSeen) : message.lastSeen;
                    else
                        object.lastSeen = options.longs === $String ? $util.Long.prototype.toString.call(message.lastSeen) : options.longs === $Number ? new $util.LongBits(message.lastSeen.low >>> 0, message.lastSeen.high >>> 0).toNumber() : message.lastSeen;
                if (message.activeProblems != null && $Object.hasOwnProperty.call(message, "activeProblems"))
                    object.activeProblems = message.activeProblems;
                return object;
            };

            /**
             * Converts this RecorderState to JSON.
             * @function toJSON
             * @memberof vigil.v1.RecorderState
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            RecorderState.prototype.toJSON = function() {
                return RecorderState.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for RecorderState
             * @function getTypeUrl
             * @memberof vigil.v1.RecorderState
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RecorderState.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/vigil.v1.RecorderState";
            };

            return RecorderState;
        })();

        return v1;
    })();

    return vigil;
})();

export {
  $root as default
};
