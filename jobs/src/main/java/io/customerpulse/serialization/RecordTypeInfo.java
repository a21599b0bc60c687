package io.customerpulse.serialization;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Type information of a class serialized by its {@link RecordSerializer}; a class names its
 * factory with {@code @TypeInfo}, so {@code TypeInformation.of(Class)} finds it everywhere
 * (state descriptors, output tags, network edges).
 */
public final class RecordTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final RecordSerializer<T> serializer;

    public RecordTypeInfo(Class<T> type, RecordSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return "RecordTypeInfo<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordTypeInfo<?> other && other.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof RecordTypeInfo;
    }

    /**
     * Base of the factories that {@code @TypeInfo} names on each record class: a subclass only
     * passes its class and serializer (Flink instantiates the factory by its no-argument
     * constructor).
     */
    public abstract static class Factory<T> extends TypeInfoFactory<T> {
        private final RecordTypeInfo<T> typeInfo;

        protected Factory(Class<T> type, RecordSerializer<T> serializer) {
            this.typeInfo = new RecordTypeInfo<>(type, serializer);
        }

        @Override
        public TypeInformation<T> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo;
        }
    }
}
