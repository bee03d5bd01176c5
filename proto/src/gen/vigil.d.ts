import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace vigil. */
export namespace vigil {

    /** Namespace v1. */
    namespace v1 {

        /**
         * Properties of an Envelope.
         * @deprecated Use vigil.v1.Envelope.$Properties instead.
         */
        interface IEnvelope extends vigil.v1.Envelope.$Properties {
        }

        /** Represents an Envelope. */
        class Envelope {

            /**
             * Constructs a new Envelope.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Envelope.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Envelope version. */
            version: number;

            /** Envelope sender. */
            sender: string;

            /** Envelope keyId. */
            keyId: Uint8Array;

            /** Envelope wrappedKey. */
            wrappedKey: Uint8Array;

            /** Envelope sessionStart. */
            sessionStart: number;

            /** Envelope signature. */
            signature: Uint8Array;

            /** Envelope seq. */
            seq: number;

            /** Envelope iv. */
            iv: Uint8Array;

            /** Envelope ciphertext. */
            ciphertext: Uint8Array;

            /** Envelope tag. */
            tag: Uint8Array;

            /**
             * Creates a new Envelope instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Envelope instance
             */
            static create(properties: vigil.v1.Envelope.$Shape): vigil.v1.Envelope & vigil.v1.Envelope.$Shape;
            static create(properties?: vigil.v1.Envelope.$Properties): vigil.v1.Envelope;

            /**
             * Encodes the specified Envelope message. Does not implicitly {@link vigil.v1.Envelope.verify|verify} messages.
             * @param message Envelope message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Envelope.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Envelope message, length delimited. Does not implicitly {@link vigil.v1.Envelope.verify|verify} messages.
             * @param message Envelope message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Envelope.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Envelope message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Envelope & vigil.v1.Envelope.$Shape} Envelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Envelope & vigil.v1.Envelope.$Shape;

            /**
             * Decodes an Envelope message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Envelope & vigil.v1.Envelope.$Shape} Envelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Envelope & vigil.v1.Envelope.$Shape;

            /**
             * Verifies an Envelope message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an Envelope message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Envelope
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Envelope;

            /**
             * Creates a plain object from an Envelope message. Also converts values to other types if specified.
             * @param message Envelope
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Envelope, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Envelope to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Envelope
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Envelope {

            /** Properties of an Envelope. */
            interface $Properties {

                /** Envelope version */
                version?: (number|null);

                /** Envelope sender */
                sender?: (string|null);

                /** Envelope keyId */
                keyId?: (Uint8Array|null);

                /** Envelope wrappedKey */
                wrappedKey?: (Uint8Array|null);

                /** Envelope sessionStart */
                sessionStart?: (number|null);

                /** Envelope signature */
                signature?: (Uint8Array|null);

                /** Envelope seq */
                seq?: (number|null);

                /** Envelope iv */
                iv?: (Uint8Array|null);

                /** Envelope ciphertext */
                ciphertext?: (Uint8Array|null);

                /** Envelope tag */
                tag?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Envelope. */
            type $Shape = vigil.v1.Envelope.$Properties;
        }

        /**
         * Properties of a Payload.
         * @deprecated Use vigil.v1.Payload.$Properties instead.
         */
        interface IPayload extends vigil.v1.Payload.$Properties {
        }

        /** Represents a Payload. */
        class Payload {

            /**
             * Constructs a new Payload.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Payload.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Payload birth. */
            birth?: (vigil.v1.Birth.$Properties|null);

            /** Payload death. */
            death?: (vigil.v1.Death.$Properties|null);

            /** Payload heartbeat. */
            heartbeat?: (vigil.v1.Heartbeat.$Properties|null);

            /** Payload data. */
            data?: (vigil.v1.DataBatch.$Properties|null);

            /** Payload body. */
            body?: ("birth"|"death"|"heartbeat"|"data");

            /**
             * Creates a new Payload instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Payload instance
             */
            static create(properties: vigil.v1.Payload.$Shape): vigil.v1.Payload & vigil.v1.Payload.$Shape;
            static create(properties?: vigil.v1.Payload.$Properties): vigil.v1.Payload;

            /**
             * Encodes the specified Payload message. Does not implicitly {@link vigil.v1.Payload.verify|verify} messages.
             * @param message Payload message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Payload.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Payload message, length delimited. Does not implicitly {@link vigil.v1.Payload.verify|verify} messages.
             * @param message Payload message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Payload.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Payload message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Payload & vigil.v1.Payload.$Shape} Payload
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Payload & vigil.v1.Payload.$Shape;

            /**
             * Decodes a Payload message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Payload & vigil.v1.Payload.$Shape} Payload
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Payload & vigil.v1.Payload.$Shape;

            /**
             * Verifies a Payload message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Payload message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Payload
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Payload;

            /**
             * Creates a plain object from a Payload message. Also converts values to other types if specified.
             * @param message Payload
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Payload, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Payload to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Payload
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Payload {

            /** Properties of a Payload. */
            interface $Properties {

                /** Payload birth */
                birth?: (vigil.v1.Birth.$Properties|null);

                /** Payload death */
                death?: (vigil.v1.Death.$Properties|null);

                /** Payload heartbeat */
                heartbeat?: (vigil.v1.Heartbeat.$Properties|null);

                /** Payload data */
                data?: (vigil.v1.DataBatch.$Properties|null);

                /** Payload body */
                body?: ("birth"|"death"|"heartbeat"|"data");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a Payload. */
            type $Shape = {
              birth?: vigil.v1.Birth.$Shape|null;
              death?: vigil.v1.Death.$Shape|null;
              heartbeat?: vigil.v1.Heartbeat.$Shape|null;
              data?: vigil.v1.DataBatch.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; birth?: null; death?: null; heartbeat?: null; data?: null }|{ body?: "birth"; birth: vigil.v1.Birth.$Shape; death?: null; heartbeat?: null; data?: null }|{ body?: "death"; birth?: null; death: vigil.v1.Death.$Shape; heartbeat?: null; data?: null }|{ body?: "heartbeat"; birth?: null; death?: null; heartbeat: vigil.v1.Heartbeat.$Shape; data?: null }|{ body?: "data"; birth?: null; death?: null; heartbeat?: null; data: vigil.v1.DataBatch.$Shape })
            );
        }

        /**
         * Properties of a Birth.
         * @deprecated Use vigil.v1.Birth.$Properties instead.
         */
        interface IBirth extends vigil.v1.Birth.$Properties {
        }

        /** Represents a Birth. */
        class Birth {

            /**
             * Constructs a new Birth.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Birth.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Birth bdSeq. */
            bdSeq: number;

            /** Birth sentAt. */
            sentAt: number;

            /** Birth agentVersion. */
            agentVersion: string;

            /** Birth heartbeatSeconds. */
            heartbeatSeconds: number;

            /** Birth configDigest. */
            configDigest: string;

            /** Birth inventory. */
            inventory?: (vigil.v1.Inventory.$Properties|null);

            /** Birth spoolEpoch. */
            spoolEpoch: string;

            /** Birth ackedThrough. */
            ackedThrough: number;

            /**
             * Creates a new Birth instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Birth instance
             */
            static create(properties: vigil.v1.Birth.$Shape): vigil.v1.Birth & vigil.v1.Birth.$Shape;
            static create(properties?: vigil.v1.Birth.$Properties): vigil.v1.Birth;

            /**
             * Encodes the specified Birth message. Does not implicitly {@link vigil.v1.Birth.verify|verify} messages.
             * @param message Birth message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Birth.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Birth message, length delimited. Does not implicitly {@link vigil.v1.Birth.verify|verify} messages.
             * @param message Birth message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Birth.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Birth message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Birth & vigil.v1.Birth.$Shape} Birth
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Birth & vigil.v1.Birth.$Shape;

            /**
             * Decodes a Birth message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Birth & vigil.v1.Birth.$Shape} Birth
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Birth & vigil.v1.Birth.$Shape;

            /**
             * Verifies a Birth message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Birth message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Birth
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Birth;

            /**
             * Creates a plain object from a Birth message. Also converts values to other types if specified.
             * @param message Birth
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Birth, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Birth to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Birth
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Birth {

            /** Properties of a Birth. */
            interface $Properties {

                /** Birth bdSeq */
                bdSeq?: (number|null);

                /** Birth sentAt */
                sentAt?: (number|null);

                /** Birth agentVersion */
                agentVersion?: (string|null);

                /** Birth heartbeatSeconds */
                heartbeatSeconds?: (number|null);

                /** Birth configDigest */
                configDigest?: (string|null);

                /** Birth inventory */
                inventory?: (vigil.v1.Inventory.$Properties|null);

                /** Birth spoolEpoch */
                spoolEpoch?: (string|null);

                /** Birth ackedThrough */
                ackedThrough?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Birth. */
            type $Shape = vigil.v1.Birth.$Properties;
        }

        /**
         * Properties of an Inventory.
         * @deprecated Use vigil.v1.Inventory.$Properties instead.
         */
        interface IInventory extends vigil.v1.Inventory.$Properties {
        }

        /** Represents an Inventory. */
        class Inventory {

            /**
             * Constructs a new Inventory.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Inventory.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Inventory recorderName. */
            recorderName: string;

            /** Inventory installation. */
            installation?: (vigil.v1.Installation.$Properties|null);

            /** Inventory site. */
            site?: (vigil.v1.Site.$Properties|null);

            /** Inventory vmsProduct. */
            vmsProduct: string;

            /** Inventory vmsVersion. */
            vmsVersion: string;

            /** Inventory hostname. */
            hostname: string;

            /** Inventory os. */
            os: string;

            /** Inventory services. */
            services: string[];

            /** Inventory drives. */
            drives: string[];

            /** Inventory cameraCount. */
            cameraCount: number;

            /** Inventory licensedCameras. */
            licensedCameras: number;

            /** Inventory failoverPartner. */
            failoverPartner: string;

            /**
             * Creates a new Inventory instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Inventory instance
             */
            static create(properties: vigil.v1.Inventory.$Shape): vigil.v1.Inventory & vigil.v1.Inventory.$Shape;
            static create(properties?: vigil.v1.Inventory.$Properties): vigil.v1.Inventory;

            /**
             * Encodes the specified Inventory message. Does not implicitly {@link vigil.v1.Inventory.verify|verify} messages.
             * @param message Inventory message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Inventory.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Inventory message, length delimited. Does not implicitly {@link vigil.v1.Inventory.verify|verify} messages.
             * @param message Inventory message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Inventory.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Inventory message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Inventory & vigil.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Inventory & vigil.v1.Inventory.$Shape;

            /**
             * Decodes an Inventory message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Inventory & vigil.v1.Inventory.$Shape} Inventory
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Inventory & vigil.v1.Inventory.$Shape;

            /**
             * Verifies an Inventory message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an Inventory message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Inventory
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Inventory;

            /**
             * Creates a plain object from an Inventory message. Also converts values to other types if specified.
             * @param message Inventory
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Inventory, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Inventory to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Inventory
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Inventory {

            /** Properties of an Inventory. */
            interface $Properties {

                /** Inventory recorderName */
                recorderName?: (string|null);

                /** Inventory installation */
                installation?: (vigil.v1.Installation.$Properties|null);

                /** Inventory site */
                site?: (vigil.v1.Site.$Properties|null);

                /** Inventory vmsProduct */
                vmsProduct?: (string|null);

                /** Inventory vmsVersion */
                vmsVersion?: (string|null);

                /** Inventory hostname */
                hostname?: (string|null);

                /** Inventory os */
                os?: (string|null);

                /** Inventory services */
                services?: (string[]|null);

                /** Inventory drives */
                drives?: (string[]|null);

                /** Inventory cameraCount */
                cameraCount?: (number|null);

                /** Inventory licensedCameras */
                licensedCameras?: (number|null);

                /** Inventory failoverPartner */
                failoverPartner?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Inventory. */
            type $Shape = vigil.v1.Inventory.$Properties;
        }

        /**
         * Properties of an Installation.
         * @deprecated Use vigil.v1.Installation.$Properties instead.
         */
        interface IInstallation extends vigil.v1.Installation.$Properties {
        }

        /** Represents an Installation. */
        class Installation {

            /**
             * Constructs a new Installation.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Installation.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Installation slc. */
            slc: string;

            /** Installation name. */
            name: string;

            /**
             * Creates a new Installation instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Installation instance
             */
            static create(properties: vigil.v1.Installation.$Shape): vigil.v1.Installation & vigil.v1.Installation.$Shape;
            static create(properties?: vigil.v1.Installation.$Properties): vigil.v1.Installation;

            /**
             * Encodes the specified Installation message. Does not implicitly {@link vigil.v1.Installation.verify|verify} messages.
             * @param message Installation message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Installation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Installation message, length delimited. Does not implicitly {@link vigil.v1.Installation.verify|verify} messages.
             * @param message Installation message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Installation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Installation message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Installation & vigil.v1.Installation.$Shape} Installation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Installation & vigil.v1.Installation.$Shape;

            /**
             * Decodes an Installation message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Installation & vigil.v1.Installation.$Shape} Installation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Installation & vigil.v1.Installation.$Shape;

            /**
             * Verifies an Installation message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an Installation message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Installation
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Installation;

            /**
             * Creates a plain object from an Installation message. Also converts values to other types if specified.
             * @param message Installation
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Installation, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Installation to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Installation
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Installation {

            /** Properties of an Installation. */
            interface $Properties {

                /** Installation slc */
                slc?: (string|null);

                /** Installation name */
                name?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Installation. */
            type $Shape = vigil.v1.Installation.$Properties;
        }

        /**
         * Properties of a Site.
         * @deprecated Use vigil.v1.Site.$Properties instead.
         */
        interface ISite extends vigil.v1.Site.$Properties {
        }

        /** Represents a Site. */
        class Site {

            /**
             * Constructs a new Site.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Site.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Site id. */
            id: string;

            /** Site name. */
            name: string;

            /** Site latitude. */
            latitude: number;

            /** Site longitude. */
            longitude: number;

            /**
             * Creates a new Site instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Site instance
             */
            static create(properties: vigil.v1.Site.$Shape): vigil.v1.Site & vigil.v1.Site.$Shape;
            static create(properties?: vigil.v1.Site.$Properties): vigil.v1.Site;

            /**
             * Encodes the specified Site message. Does not implicitly {@link vigil.v1.Site.verify|verify} messages.
             * @param message Site message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Site.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Site message, length delimited. Does not implicitly {@link vigil.v1.Site.verify|verify} messages.
             * @param message Site message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Site.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Site message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Site & vigil.v1.Site.$Shape} Site
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Site & vigil.v1.Site.$Shape;

            /**
             * Decodes a Site message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Site & vigil.v1.Site.$Shape} Site
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Site & vigil.v1.Site.$Shape;

            /**
             * Verifies a Site message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Site message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Site
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Site;

            /**
             * Creates a plain object from a Site message. Also converts values to other types if specified.
             * @param message Site
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Site, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Site to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Site
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Site {

            /** Properties of a Site. */
            interface $Properties {

                /** Site id */
                id?: (string|null);

                /** Site name */
                name?: (string|null);

                /** Site latitude */
                latitude?: (number|null);

                /** Site longitude */
                longitude?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Site. */
            type $Shape = vigil.v1.Site.$Properties;
        }

        /** DeathReason enum. */
        enum DeathReason {

            /** DEATH_REASON_UNSPECIFIED value */
            DEATH_REASON_UNSPECIFIED = 0,

            /** DEATH_REASON_WILL value */
            DEATH_REASON_WILL = 1,

            /** DEATH_REASON_GRACEFUL value */
            DEATH_REASON_GRACEFUL = 2
        }

        /**
         * Properties of a Death.
         * @deprecated Use vigil.v1.Death.$Properties instead.
         */
        interface IDeath extends vigil.v1.Death.$Properties {
        }

        /** Represents a Death. */
        class Death {

            /**
             * Constructs a new Death.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Death.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Death bdSeq. */
            bdSeq: number;

            /** Death reason. */
            reason: vigil.v1.DeathReason;

            /** Death sentAt. */
            sentAt: number;

            /** Death spoolEpoch. */
            spoolEpoch: string;

            /**
             * Creates a new Death instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Death instance
             */
            static create(properties: vigil.v1.Death.$Shape): vigil.v1.Death & vigil.v1.Death.$Shape;
            static create(properties?: vigil.v1.Death.$Properties): vigil.v1.Death;

            /**
             * Encodes the specified Death message. Does not implicitly {@link vigil.v1.Death.verify|verify} messages.
             * @param message Death message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Death.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Death message, length delimited. Does not implicitly {@link vigil.v1.Death.verify|verify} messages.
             * @param message Death message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Death.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Death message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Death & vigil.v1.Death.$Shape} Death
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Death & vigil.v1.Death.$Shape;

            /**
             * Decodes a Death message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Death & vigil.v1.Death.$Shape} Death
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Death & vigil.v1.Death.$Shape;

            /**
             * Verifies a Death message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Death message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Death
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Death;

            /**
             * Creates a plain object from a Death message. Also converts values to other types if specified.
             * @param message Death
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Death, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Death to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Death
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Death {

            /** Properties of a Death. */
            interface $Properties {

                /** Death bdSeq */
                bdSeq?: (number|null);

                /** Death reason */
                reason?: (vigil.v1.DeathReason|null);

                /** Death sentAt */
                sentAt?: (number|null);

                /** Death spoolEpoch */
                spoolEpoch?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Death. */
            type $Shape = vigil.v1.Death.$Properties;
        }

        /**
         * Properties of a Heartbeat.
         * @deprecated Use vigil.v1.Heartbeat.$Properties instead.
         */
        interface IHeartbeat extends vigil.v1.Heartbeat.$Properties {
        }

        /** Represents a Heartbeat. */
        class Heartbeat {

            /**
             * Constructs a new Heartbeat.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Heartbeat.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Heartbeat bdSeq. */
            bdSeq: number;

            /** Heartbeat sentAt. */
            sentAt: number;

            /** Heartbeat spoolEpoch. */
            spoolEpoch: string;

            /**
             * Creates a new Heartbeat instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Heartbeat instance
             */
            static create(properties: vigil.v1.Heartbeat.$Shape): vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape;
            static create(properties?: vigil.v1.Heartbeat.$Properties): vigil.v1.Heartbeat;

            /**
             * Encodes the specified Heartbeat message. Does not implicitly {@link vigil.v1.Heartbeat.verify|verify} messages.
             * @param message Heartbeat message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Heartbeat.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Heartbeat message, length delimited. Does not implicitly {@link vigil.v1.Heartbeat.verify|verify} messages.
             * @param message Heartbeat message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Heartbeat.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Heartbeat message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape;

            /**
             * Decodes a Heartbeat message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Heartbeat & vigil.v1.Heartbeat.$Shape;

            /**
             * Verifies a Heartbeat message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Heartbeat message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Heartbeat
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Heartbeat;

            /**
             * Creates a plain object from a Heartbeat message. Also converts values to other types if specified.
             * @param message Heartbeat
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Heartbeat, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Heartbeat to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Heartbeat
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Heartbeat {

            /** Properties of a Heartbeat. */
            interface $Properties {

                /** Heartbeat bdSeq */
                bdSeq?: (number|null);

                /** Heartbeat sentAt */
                sentAt?: (number|null);

                /** Heartbeat spoolEpoch */
                spoolEpoch?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Heartbeat. */
            type $Shape = vigil.v1.Heartbeat.$Properties;
        }

        /** Code enum. */
        enum Code {

            /** CODE_UNSPECIFIED value */
            CODE_UNSPECIFIED = 0,

            /** CODE_CAMERA_UNREACHABLE value */
            CODE_CAMERA_UNREACHABLE = 1,

            /** CODE_DRIVE_FULL value */
            CODE_DRIVE_FULL = 2,

            /** CODE_DRIVE_FILLING value */
            CODE_DRIVE_FILLING = 3,

            /** CODE_MEDIA_DB_WRITE_FAILURE value */
            CODE_MEDIA_DB_WRITE_FAILURE = 4,

            /** CODE_LICENCE_OVERRUN value */
            CODE_LICENCE_OVERRUN = 5,

            /** CODE_RECORDER_UNAVAILABLE value */
            CODE_RECORDER_UNAVAILABLE = 6,

            /** CODE_ARCHIVE_DELETE_FAILED value */
            CODE_ARCHIVE_DELETE_FAILED = 7,

            /** CODE_FILE_DELETE_FAILED value */
            CODE_FILE_DELETE_FAILED = 8,

            /** CODE_ARCHIVE_FATAL_ERROR value */
            CODE_ARCHIVE_FATAL_ERROR = 9,

            /** CODE_ARCHIVE_OPERATION_FAILED value */
            CODE_ARCHIVE_OPERATION_FAILED = 10,

            /** CODE_ARCHIVE_MOVE_FAILED value */
            CODE_ARCHIVE_MOVE_FAILED = 11,

            /** CODE_SERVICE_STOPPED value */
            CODE_SERVICE_STOPPED = 12,

            /** CODE_AGENT_DROPPED value */
            CODE_AGENT_DROPPED = 13,

            /** CODE_AGENT_CLOCK_OFF value */
            CODE_AGENT_CLOCK_OFF = 14
        }

        /** Severity enum. */
        enum Severity {

            /** SEVERITY_UNSPECIFIED value */
            SEVERITY_UNSPECIFIED = 0,

            /** SEVERITY_INFO value */
            SEVERITY_INFO = 1,

            /** SEVERITY_WARNING value */
            SEVERITY_WARNING = 2,

            /** SEVERITY_ERROR value */
            SEVERITY_ERROR = 3,

            /** SEVERITY_CRITICAL value */
            SEVERITY_CRITICAL = 4
        }

        /**
         * Properties of a Condition.
         * @deprecated Use vigil.v1.Condition.$Properties instead.
         */
        interface ICondition extends vigil.v1.Condition.$Properties {
        }

        /** Represents a Condition. */
        class Condition {

            /**
             * Constructs a new Condition.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Condition.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Condition code. */
            code: vigil.v1.Code;

            /** Condition subject. */
            subject: string;

            /** Condition active. */
            active: boolean;

            /** Condition at. */
            at: number;

            /** Condition severity. */
            severity: vigil.v1.Severity;

            /** Condition message. */
            message: string;

            /** Condition attributes. */
            attributes: { [k: string]: string };

            /**
             * Creates a new Condition instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Condition instance
             */
            static create(properties: vigil.v1.Condition.$Shape): vigil.v1.Condition & vigil.v1.Condition.$Shape;
            static create(properties?: vigil.v1.Condition.$Properties): vigil.v1.Condition;

            /**
             * Encodes the specified Condition message. Does not implicitly {@link vigil.v1.Condition.verify|verify} messages.
             * @param message Condition message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Condition.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Condition message, length delimited. Does not implicitly {@link vigil.v1.Condition.verify|verify} messages.
             * @param message Condition message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Condition.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Condition message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Condition & vigil.v1.Condition.$Shape} Condition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Condition & vigil.v1.Condition.$Shape;

            /**
             * Decodes a Condition message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Condition & vigil.v1.Condition.$Shape} Condition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Condition & vigil.v1.Condition.$Shape;

            /**
             * Verifies a Condition message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Condition message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Condition
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Condition;

            /**
             * Creates a plain object from a Condition message. Also converts values to other types if specified.
             * @param message Condition
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Condition, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Condition to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Condition
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Condition {

            /** Properties of a Condition. */
            interface $Properties {

                /** Condition code */
                code?: (vigil.v1.Code|null);

                /** Condition subject */
                subject?: (string|null);

                /** Condition active */
                active?: (boolean|null);

                /** Condition at */
                at?: (number|null);

                /** Condition severity */
                severity?: (vigil.v1.Severity|null);

                /** Condition message */
                message?: (string|null);

                /** Condition attributes */
                attributes?: ({ [k: string]: string }|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Condition. */
            type $Shape = vigil.v1.Condition.$Properties;
        }

        /**
         * Properties of an Event.
         * @deprecated Use vigil.v1.Event.$Properties instead.
         */
        interface IEvent extends vigil.v1.Event.$Properties {
        }

        /** Represents an Event. */
        class Event {

            /**
             * Constructs a new Event.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Event.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Event code. */
            code: vigil.v1.Code;

            /** Event subject. */
            subject: string;

            /** Event firstSeen. */
            firstSeen: number;

            /** Event lastSeen. */
            lastSeen: number;

            /** Event count. */
            count: number;

            /** Event severity. */
            severity: vigil.v1.Severity;

            /** Event message. */
            message: string;

            /** Event attributes. */
            attributes: { [k: string]: string };

            /**
             * Creates a new Event instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Event instance
             */
            static create(properties: vigil.v1.Event.$Shape): vigil.v1.Event & vigil.v1.Event.$Shape;
            static create(properties?: vigil.v1.Event.$Properties): vigil.v1.Event;

            /**
             * Encodes the specified Event message. Does not implicitly {@link vigil.v1.Event.verify|verify} messages.
             * @param message Event message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Event.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Event message, length delimited. Does not implicitly {@link vigil.v1.Event.verify|verify} messages.
             * @param message Event message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Event.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Event message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Event & vigil.v1.Event.$Shape} Event
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Event & vigil.v1.Event.$Shape;

            /**
             * Decodes an Event message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Event & vigil.v1.Event.$Shape} Event
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Event & vigil.v1.Event.$Shape;

            /**
             * Verifies an Event message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an Event message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Event
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Event;

            /**
             * Creates a plain object from an Event message. Also converts values to other types if specified.
             * @param message Event
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Event, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Event to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Event
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Event {

            /** Properties of an Event. */
            interface $Properties {

                /** Event code */
                code?: (vigil.v1.Code|null);

                /** Event subject */
                subject?: (string|null);

                /** Event firstSeen */
                firstSeen?: (number|null);

                /** Event lastSeen */
                lastSeen?: (number|null);

                /** Event count */
                count?: (number|null);

                /** Event severity */
                severity?: (vigil.v1.Severity|null);

                /** Event message */
                message?: (string|null);

                /** Event attributes */
                attributes?: ({ [k: string]: string }|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Event. */
            type $Shape = vigil.v1.Event.$Properties;
        }

        /**
         * Properties of a DiskReading.
         * @deprecated Use vigil.v1.DiskReading.$Properties instead.
         */
        interface IDiskReading extends vigil.v1.DiskReading.$Properties {
        }

        /** Represents a DiskReading. */
        class DiskReading {

            /**
             * Constructs a new DiskReading.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.DiskReading.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** DiskReading path. */
            path: string;

            /** DiskReading at. */
            at: number;

            /** DiskReading totalBytes. */
            totalBytes: number;

            /** DiskReading freeBytes. */
            freeBytes: number;

            /**
             * Creates a new DiskReading instance using the specified properties.
             * @param [properties] Properties to set
             * @returns DiskReading instance
             */
            static create(properties: vigil.v1.DiskReading.$Shape): vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape;
            static create(properties?: vigil.v1.DiskReading.$Properties): vigil.v1.DiskReading;

            /**
             * Encodes the specified DiskReading message. Does not implicitly {@link vigil.v1.DiskReading.verify|verify} messages.
             * @param message DiskReading message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.DiskReading.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified DiskReading message, length delimited. Does not implicitly {@link vigil.v1.DiskReading.verify|verify} messages.
             * @param message DiskReading message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.DiskReading.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a DiskReading message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape} DiskReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape;

            /**
             * Decodes a DiskReading message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape} DiskReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.DiskReading & vigil.v1.DiskReading.$Shape;

            /**
             * Verifies a DiskReading message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a DiskReading message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns DiskReading
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.DiskReading;

            /**
             * Creates a plain object from a DiskReading message. Also converts values to other types if specified.
             * @param message DiskReading
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.DiskReading, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this DiskReading to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for DiskReading
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace DiskReading {

            /** Properties of a DiskReading. */
            interface $Properties {

                /** DiskReading path */
                path?: (string|null);

                /** DiskReading at */
                at?: (number|null);

                /** DiskReading totalBytes */
                totalBytes?: (number|null);

                /** DiskReading freeBytes */
                freeBytes?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a DiskReading. */
            type $Shape = vigil.v1.DiskReading.$Properties;
        }

        /**
         * Properties of a ServiceReading.
         * @deprecated Use vigil.v1.ServiceReading.$Properties instead.
         */
        interface IServiceReading extends vigil.v1.ServiceReading.$Properties {
        }

        /** Represents a ServiceReading. */
        class ServiceReading {

            /**
             * Constructs a new ServiceReading.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.ServiceReading.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ServiceReading name. */
            name: string;

            /** ServiceReading at. */
            at: number;

            /** ServiceReading running. */
            running: boolean;

            /**
             * Creates a new ServiceReading instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ServiceReading instance
             */
            static create(properties: vigil.v1.ServiceReading.$Shape): vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape;
            static create(properties?: vigil.v1.ServiceReading.$Properties): vigil.v1.ServiceReading;

            /**
             * Encodes the specified ServiceReading message. Does not implicitly {@link vigil.v1.ServiceReading.verify|verify} messages.
             * @param message ServiceReading message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.ServiceReading.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ServiceReading message, length delimited. Does not implicitly {@link vigil.v1.ServiceReading.verify|verify} messages.
             * @param message ServiceReading message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.ServiceReading.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a ServiceReading message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape} ServiceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape;

            /**
             * Decodes a ServiceReading message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape} ServiceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.ServiceReading & vigil.v1.ServiceReading.$Shape;

            /**
             * Verifies a ServiceReading message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a ServiceReading message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns ServiceReading
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.ServiceReading;

            /**
             * Creates a plain object from a ServiceReading message. Also converts values to other types if specified.
             * @param message ServiceReading
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.ServiceReading, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ServiceReading to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for ServiceReading
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ServiceReading {

            /** Properties of a ServiceReading. */
            interface $Properties {

                /** ServiceReading name */
                name?: (string|null);

                /** ServiceReading at */
                at?: (number|null);

                /** ServiceReading running */
                running?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ServiceReading. */
            type $Shape = vigil.v1.ServiceReading.$Properties;
        }

        /**
         * Properties of a LicenceReading.
         * @deprecated Use vigil.v1.LicenceReading.$Properties instead.
         */
        interface ILicenceReading extends vigil.v1.LicenceReading.$Properties {
        }

        /** Represents a LicenceReading. */
        class LicenceReading {

            /**
             * Constructs a new LicenceReading.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.LicenceReading.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LicenceReading at. */
            at: number;

            /** LicenceReading cameraCount. */
            cameraCount: number;

            /** LicenceReading licensedCameras. */
            licensedCameras: number;

            /**
             * Creates a new LicenceReading instance using the specified properties.
             * @param [properties] Properties to set
             * @returns LicenceReading instance
             */
            static create(properties: vigil.v1.LicenceReading.$Shape): vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape;
            static create(properties?: vigil.v1.LicenceReading.$Properties): vigil.v1.LicenceReading;

            /**
             * Encodes the specified LicenceReading message. Does not implicitly {@link vigil.v1.LicenceReading.verify|verify} messages.
             * @param message LicenceReading message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.LicenceReading.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified LicenceReading message, length delimited. Does not implicitly {@link vigil.v1.LicenceReading.verify|verify} messages.
             * @param message LicenceReading message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.LicenceReading.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a LicenceReading message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape} LicenceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape;

            /**
             * Decodes a LicenceReading message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape} LicenceReading
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.LicenceReading & vigil.v1.LicenceReading.$Shape;

            /**
             * Verifies a LicenceReading message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a LicenceReading message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns LicenceReading
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.LicenceReading;

            /**
             * Creates a plain object from a LicenceReading message. Also converts values to other types if specified.
             * @param message LicenceReading
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.LicenceReading, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this LicenceReading to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for LicenceReading
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace LicenceReading {

            /** Properties of a LicenceReading. */
            interface $Properties {

                /** LicenceReading at */
                at?: (number|null);

                /** LicenceReading cameraCount */
                cameraCount?: (number|null);

                /** LicenceReading licensedCameras */
                licensedCameras?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LicenceReading. */
            type $Shape = vigil.v1.LicenceReading.$Properties;
        }

        /**
         * Properties of a DataBatch.
         * @deprecated Use vigil.v1.DataBatch.$Properties instead.
         */
        interface IDataBatch extends vigil.v1.DataBatch.$Properties {
        }

        /** Represents a DataBatch. */
        class DataBatch {

            /**
             * Constructs a new DataBatch.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.DataBatch.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** DataBatch historical. */
            historical: boolean;

            /** DataBatch conditions. */
            conditions: vigil.v1.Condition.$Properties[];

            /** DataBatch events. */
            events: vigil.v1.Event.$Properties[];

            /** DataBatch disks. */
            disks: vigil.v1.DiskReading.$Properties[];

            /** DataBatch services. */
            services: vigil.v1.ServiceReading.$Properties[];

            /** DataBatch licences. */
            licences: vigil.v1.LicenceReading.$Properties[];

            /** DataBatch droppedReadings. */
            droppedReadings: number;

            /** DataBatch droppedEvents. */
            droppedEvents: number;

            /** DataBatch spoolEpoch. */
            spoolEpoch: string;

            /** DataBatch droppedReadingsDiskFull. */
            droppedReadingsDiskFull: number;

            /** DataBatch droppedEventsDiskFull. */
            droppedEventsDiskFull: number;

            /**
             * Creates a new DataBatch instance using the specified properties.
             * @param [properties] Properties to set
             * @returns DataBatch instance
             */
            static create(properties: vigil.v1.DataBatch.$Shape): vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape;
            static create(properties?: vigil.v1.DataBatch.$Properties): vigil.v1.DataBatch;

            /**
             * Encodes the specified DataBatch message. Does not implicitly {@link vigil.v1.DataBatch.verify|verify} messages.
             * @param message DataBatch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.DataBatch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified DataBatch message, length delimited. Does not implicitly {@link vigil.v1.DataBatch.verify|verify} messages.
             * @param message DataBatch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.DataBatch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a DataBatch message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape} DataBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape;

            /**
             * Decodes a DataBatch message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape} DataBatch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.DataBatch & vigil.v1.DataBatch.$Shape;

            /**
             * Verifies a DataBatch message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a DataBatch message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns DataBatch
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.DataBatch;

            /**
             * Creates a plain object from a DataBatch message. Also converts values to other types if specified.
             * @param message DataBatch
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.DataBatch, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this DataBatch to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for DataBatch
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace DataBatch {

            /** Properties of a DataBatch. */
            interface $Properties {

                /** DataBatch historical */
                historical?: (boolean|null);

                /** DataBatch conditions */
                conditions?: (vigil.v1.Condition.$Properties[]|null);

                /** DataBatch events */
                events?: (vigil.v1.Event.$Properties[]|null);

                /** DataBatch disks */
                disks?: (vigil.v1.DiskReading.$Properties[]|null);

                /** DataBatch services */
                services?: (vigil.v1.ServiceReading.$Properties[]|null);

                /** DataBatch licences */
                licences?: (vigil.v1.LicenceReading.$Properties[]|null);

                /** DataBatch droppedReadings */
                droppedReadings?: (number|null);

                /** DataBatch droppedEvents */
                droppedEvents?: (number|null);

                /** DataBatch spoolEpoch */
                spoolEpoch?: (string|null);

                /** DataBatch droppedReadingsDiskFull */
                droppedReadingsDiskFull?: (number|null);

                /** DataBatch droppedEventsDiskFull */
                droppedEventsDiskFull?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a DataBatch. */
            type $Shape = vigil.v1.DataBatch.$Properties;
        }

        /**
         * Properties of an Ack.
         * @deprecated Use vigil.v1.Ack.$Properties instead.
         */
        interface IAck extends vigil.v1.Ack.$Properties {
        }

        /** Represents an Ack. */
        class Ack {

            /**
             * Constructs a new Ack.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.Ack.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Ack seq. */
            seq: number;

            /** Ack spoolEpoch. */
            spoolEpoch: string;

            /** Ack recipientPublicKey. */
            recipientPublicKey: string;

            /**
             * Creates a new Ack instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Ack instance
             */
            static create(properties: vigil.v1.Ack.$Shape): vigil.v1.Ack & vigil.v1.Ack.$Shape;
            static create(properties?: vigil.v1.Ack.$Properties): vigil.v1.Ack;

            /**
             * Encodes the specified Ack message. Does not implicitly {@link vigil.v1.Ack.verify|verify} messages.
             * @param message Ack message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.Ack.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Ack message, length delimited. Does not implicitly {@link vigil.v1.Ack.verify|verify} messages.
             * @param message Ack message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.Ack.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.Ack & vigil.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.Ack & vigil.v1.Ack.$Shape;

            /**
             * Decodes an Ack message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.Ack & vigil.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.Ack & vigil.v1.Ack.$Shape;

            /**
             * Verifies an Ack message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an Ack message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Ack
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.Ack;

            /**
             * Creates a plain object from an Ack message. Also converts values to other types if specified.
             * @param message Ack
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.Ack, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Ack to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Ack
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Ack {

            /** Properties of an Ack. */
            interface $Properties {

                /** Ack seq */
                seq?: (number|null);

                /** Ack spoolEpoch */
                spoolEpoch?: (string|null);

                /** Ack recipientPublicKey */
                recipientPublicKey?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an Ack. */
            type $Shape = vigil.v1.Ack.$Properties;
        }

        /** RecorderStatus enum. */
        enum RecorderStatus {

            /** RECORDER_STATUS_UNSPECIFIED value */
            RECORDER_STATUS_UNSPECIFIED = 0,

            /** RECORDER_STATUS_ONLINE value */
            RECORDER_STATUS_ONLINE = 1,

            /** RECORDER_STATUS_DEGRADED value */
            RECORDER_STATUS_DEGRADED = 2,

            /** RECORDER_STATUS_UNAVAILABLE value */
            RECORDER_STATUS_UNAVAILABLE = 3,

            /** RECORDER_STATUS_OFFLINE value */
            RECORDER_STATUS_OFFLINE = 4,

            /** RECORDER_STATUS_STOPPED value */
            RECORDER_STATUS_STOPPED = 5
        }

        /**
         * Properties of a RecorderState.
         * @deprecated Use vigil.v1.RecorderState.$Properties instead.
         */
        interface IRecorderState extends vigil.v1.RecorderState.$Properties {
        }

        /** Represents a RecorderState. */
        class RecorderState {

            /**
             * Constructs a new RecorderState.
             * @param [properties] Properties to set
             */
            constructor(properties?: vigil.v1.RecorderState.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RecorderState recorderId. */
            recorderId: string;

            /** RecorderState status. */
            status: vigil.v1.RecorderStatus;

            /** RecorderState since. */
            since: number;

            /** RecorderState lastSeen. */
            lastSeen: number;

            /** RecorderState activeProblems. */
            activeProblems: number;

            /**
             * Creates a new RecorderState instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RecorderState instance
             */
            static create(properties: vigil.v1.RecorderState.$Shape): vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape;
            static create(properties?: vigil.v1.RecorderState.$Properties): vigil.v1.RecorderState;

            /**
             * Encodes the specified RecorderState message. Does not implicitly {@link vigil.v1.RecorderState.verify|verify} messages.
             * @param message RecorderState message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: vigil.v1.RecorderState.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RecorderState message, length delimited. Does not implicitly {@link vigil.v1.RecorderState.verify|verify} messages.
             * @param message RecorderState message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: vigil.v1.RecorderState.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RecorderState message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape} RecorderState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape;

            /**
             * Decodes a RecorderState message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape} RecorderState
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): vigil.v1.RecorderState & vigil.v1.RecorderState.$Shape;

            /**
             * Verifies a RecorderState message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RecorderState message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RecorderState
             */
            static fromObject(object: { [k: string]: any }): vigil.v1.RecorderState;

            /**
             * Creates a plain object from a RecorderState message. Also converts values to other types if specified.
             * @param message RecorderState
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: vigil.v1.RecorderState, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RecorderState to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RecorderState
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RecorderState {

            /** Properties of a RecorderState. */
            interface $Properties {

                /** RecorderState recorderId */
                recorderId?: (string|null);

                /** RecorderState status */
                status?: (vigil.v1.RecorderStatus|null);

                /** RecorderState since */
                since?: (number|null);

                /** RecorderState lastSeen */
                lastSeen?: (number|null);

                /** RecorderState activeProblems */
                activeProblems?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RecorderState. */
            type $Shape = vigil.v1.RecorderState.$Properties;
        }
    }
}
